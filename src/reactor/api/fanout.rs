//! Ports the message side of `exabgp/reactor/api/processes.py` (`_notify`, `message`, the
//! per-message-type writers): what a peer sent, received or went through, encoded (JSON or
//! text) for every helper subscribed to it. Sans-IO: the helpers are behind [`Helpers`] and
//! the envelope (time, host, pids) is given.

use super::execute::Helpers;
use super::registry::Registered;
use super::response::json::{self, ApiVersion, Header, Peer};
use super::response::text;
use crate::bgp::message::open::Open;
use crate::bgp::message::operational::Operational;
use crate::bgp::message::refresh::RouteRefresh;
use crate::bgp::message::update::Update;
use crate::bgp::message::{MessageType, Notification};
use crate::configuration::{Api, Direction, Process};
use bytes::Bytes;

/// Whether a helper of `api`'s sections is subscribed to `kind` going `direction` ("receive"
/// or "send"): the caller need not stamp a message nobody gets.
pub(crate) fn wants(api: &Api, direction: &str, kind: MessageType) -> bool {
    sections(api).any(|section| subscribed(&settings(section, direction), kind))
}

fn settings(section: &Api, direction: &str) -> Direction {
    if direction == "receive" {
        section.receive
    } else {
        section.send
    }
}

/// The helpers, as a peer's messages reach them.
pub(crate) struct Fanout<'a> {
    pub(crate) helpers: &'a dyn Helpers,
    /// The `process` blocks, which the neighbours' `api` blocks name.
    pub(crate) configured: &'a [Process],
    pub(crate) version: ApiVersion,
}

/// The header of a message about `peer`: `stamp`'s envelope, the peer's next counter.
pub(crate) fn header(
    stamp: &Header,
    peer: &mut Registered,
    direction: Option<&'static str>,
) -> Header {
    peer.counter += 1;
    let neighbor = &peer.config.neighbor;
    let local_address = peer.local.map(|s| s.ip()).or(neighbor.local_address);
    Header {
        counter: Some(peer.counter),
        peer: Some(Peer {
            local_address,
            peer_address: neighbor.peer_address,
            local_as: neighbor.local_as,
            peer_as: neighbor.peer_as,
            router_id: neighbor.router_id,
        }),
        direction,
        ..stamp.clone()
    }
}

impl Fanout<'_> {
    /// Whether `process` reads JSON (API version 6 has no text encoder).
    pub(crate) fn json(&self, process: &str) -> bool {
        self.version == ApiVersion::V6 || self.helpers.json(process)
    }

    /// Writes `make(json)` to every helper of `api`'s sections for which `wanted` holds,
    /// once per helper.
    pub(crate) fn deliver(
        &self,
        api: &Api,
        wanted: impl Fn(&Api) -> bool,
        make: &mut dyn FnMut(bool) -> Option<String>,
    ) {
        // a few helpers at most: a list is cheaper than a set
        let mut told: Vec<&str> = Vec::new();
        for section in sections(api).filter(|section| wanted(section)) {
            self.deliver_section(section, &|name| told.contains(&name), make);
            told.extend(section.target_names(self.configured));
        }
    }

    /// `deliver` to the helpers of one section, once each, but those `told` already.
    fn deliver_section(
        &self,
        section: &Api,
        told: &dyn Fn(&str) -> bool,
        make: &mut dyn FnMut(bool) -> Option<String>,
    ) {
        let names = || section.target_names(self.configured);
        for (at, name) in names().enumerate() {
            if told(name) || names().take(at).any(|earlier| earlier == name) {
                continue;
            }
            if let Some(text) = make(self.json(name)) {
                self.helpers.write(name, text.trim_end_matches('\n'));
            }
        }
    }

    /// Gives `raw` (a whole message, sent or received as `direction` says) to the helpers of
    /// `peer` subscribed to it; `decoded` is its UPDATE when the caller already decoded it
    /// (the message is then not decoded again).
    pub(crate) fn message(
        &self,
        peer: &mut Registered,
        stamp: &Header,
        direction: &'static str,
        raw: &[u8],
        decoded: Option<&Update>,
    ) {
        let Some(&kind) = raw.get(18) else {
            return;
        };
        let kind = MessageType(kind);
        let (header_bytes, body) = raw.split_at(19.min(raw.len()));
        let settings_of = |section: &Api| settings(section, direction);
        if !wants(&peer.config.api, direction, kind) {
            return;
        }
        // ExaBGP's helpers see "receive" and "send" (`exabgp decode` says "in")
        let header = header(stamp, peer, Some(direction));
        let peer: &Registered = peer;
        let api = &peer.config.api;
        let ip = peer.config.neighbor.peer_address;
        let negotiated = peer.negotiated.as_ref();
        let negotiated_json = peer.negotiated_json.as_deref();
        let owned;
        let update = match decoded {
            Some(update) => Some(update),
            None if kind == MessageType::UPDATE => {
                owned =
                    negotiated.and_then(|n| Update::decode(Bytes::copy_from_slice(body), n).ok());
                owned.as_ref()
            }
            None => None,
        };
        for section in sections(api).filter(|section| subscribed(&settings_of(section), kind)) {
            let settings = settings_of(section);
            let parsed = settings.parsed || !(settings.packets || settings.consolidate);
            let (raw_header, raw_body): (&[u8], &[u8]) = if settings.consolidate && settings.packets
            {
                (header_bytes, body)
            } else {
                (&[], &[])
            };
            if settings.packets && !settings.consolidate {
                self.deliver_section(section, &|_| false, &mut |json| {
                    Some(if json {
                        json::packets(&header, kind.0, header_bytes, body, negotiated_json)
                    } else {
                        text::packets(ip, direction, kind.0, header_bytes, body)
                    })
                });
            }
            if parsed || settings.consolidate {
                self.deliver_section(section, &|_| false, &mut |json| {
                    parsed_message(
                        json,
                        &header,
                        ip,
                        direction,
                        kind,
                        body,
                        (raw_header, raw_body),
                        update,
                        negotiated_json,
                    )
                });
            }
        }
    }
}

/// The message codes of `receive { ... }` / `send { ... }`.
fn subscribed(direction: &Direction, kind: MessageType) -> bool {
    match kind {
        MessageType::OPEN => direction.open,
        MessageType::UPDATE => direction.update,
        MessageType::NOTIFICATION => direction.notification,
        MessageType::KEEPALIVE => direction.keepalive,
        MessageType::ROUTE_REFRESH => direction.refresh,
        MessageType::OPERATIONAL => direction.operational,
        _ => false,
    }
}

/// The `api { }` sections of a neighbour one by one (the merged one when it has none).
pub(crate) fn sections(api: &Api) -> Box<dyn Iterator<Item = &Api> + '_> {
    if api.sections.is_empty() {
        Box::new(std::iter::once(api))
    } else {
        Box::new(api.sections.iter())
    }
}

#[allow(clippy::too_many_arguments)]
fn parsed_message(
    json: bool,
    header: &Header,
    ip: std::net::IpAddr,
    direction: &str,
    kind: MessageType,
    body: &[u8],
    (raw_header, raw_body): (&[u8], &[u8]),
    update: Option<&Update>,
    negotiated: Option<&str>,
) -> Option<String> {
    Some(match kind {
        MessageType::OPEN => {
            let mut open = Open::decode(body).ok()?;
            if direction == "send" {
                // ExaBGP tells its own OPEN as built, not as sent
                open.capabilities = open.capabilities.as_built();
            }
            if json {
                json::open(header, &open, raw_header, raw_body)
            } else {
                text::open(ip, direction, &open, raw_header, raw_body)
            }
        }
        MessageType::UPDATE => {
            let update = update?;
            if json {
                // ExaBGP main's `update` appends the session's negotiated object
                let size = 64 * (update.announces.len() + update.withdraws.len()) + 256;
                let value = |out: &mut String| update.json(out);
                json::update(header, value, size, raw_header, raw_body, negotiated)
            } else {
                text::update(ip, direction, update, raw_header, raw_body)
            }
        }
        MessageType::NOTIFICATION => {
            let notification = Notification::decode(body);
            if json {
                json::notification(header, &notification, raw_header, raw_body)
            } else {
                text::notification(ip, direction, &notification, raw_header, raw_body)
            }
        }
        MessageType::KEEPALIVE => {
            if json {
                json::keepalive(header, raw_header, raw_body)
            } else {
                text::keepalive(ip, direction, raw_header, raw_body)
            }
        }
        MessageType::ROUTE_REFRESH => {
            let refresh = RouteRefresh::decode(body).ok()?;
            if json {
                json::refresh(header, &refresh, raw_header, raw_body)
            } else {
                text::refresh(ip, direction, &refresh, raw_header, raw_body)
            }
        }
        MessageType::OPERATIONAL => {
            let operational = Operational::decode(body).ok()?;
            if json {
                json::operational(header, &operational, raw_header, raw_body)
            } else {
                text::operational(ip, direction, &operational, raw_header, raw_body)
            }
        }
        _ => return None,
    })
}
