//! Fuzz targets: each takes arbitrary bytes to one entry point of exabgp-rs and through what the
//! daemon does next with the result. A target returns normally on any input; a panic, an abort
//! or a hang is a bug.
//!
//! Shared by the AFL binaries (`fuzz/src/bin/`) and the replay test (`tests/fuzz_replay.rs`).

use bytes::BytesMut;
use exabgp_rs::bgp::message::open::capability::negotiated::{AddPath, Negotiated};
use exabgp_rs::bgp::message::open::capability::Capabilities;
use exabgp_rs::bgp::message::open::Open;
use exabgp_rs::bgp::message::operational::Operational;
use exabgp_rs::bgp::message::update::attribute::Attributes;
use exabgp_rs::bgp::message::update::nlri::flow::OffsetLayout;
use exabgp_rs::bgp::message::update::{RoutedNlri, Update};
use exabgp_rs::bgp::message::{self, Message, MessageType, HEADER_LEN};
use exabgp_rs::bgp::neighbor::Neighbor;
use exabgp_rs::configuration::Configuration;
use exabgp_rs::protocol::family::{Afi, Family};
use exabgp_rs::reactor::api::command::{self, Action, Command};
use exabgp_rs::reactor::api::response::text;
use exabgp_rs::rib::Change;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;

/// Every family exabgp-rs knows (decode's, in ExaBGP's order); bit N of the message target's
/// family mask selects `FAMILIES[N]`.
pub use exabgp_rs::application::decode::ALL_FAMILIES as FAMILIES;

/// Bits of the message target's first byte: the negotiated session the messages are read in.
pub mod flag {
    pub const ASN4: u8 = 1;
    /// RFC 8654: 65535-byte messages.
    pub const EXTENDED_MESSAGE: u8 = 2;
    /// RFC 7911: the peer sends path identifiers (on every selected family).
    pub const ADDPATH_RECEIVE: u8 = 4;
    /// We send path identifiers, for the re-encoding of what was read.
    pub const ADDPATH_SEND: u8 = 8;
    /// RFC 8950: IPv6 next hops for the IPv4 families, IPv4 ones for the IPv6 families.
    pub const EXTENDED_NEXTHOP: u8 = 16;
    /// `flow-ipv6-offset`: IPv6 FlowSpec prefixes with an offset read as ExaBGP writes them.
    pub const FLOW_OFFSET: u8 = 32;
    pub const AIGP: u8 = 64;
    /// An OPEN in the stream is negotiated against ours, and the session it gives is the one
    /// the messages after it are read in (as the peer FSM does).
    pub const NEGOTIATE: u8 = 128;
}

/// The session the message target starts in: byte 0 is [`flag`]s, bytes 1..4 a big-endian
/// mask over [`FAMILIES`]. The rest of the input is the byte stream read from the peer.
pub fn context(data: &[u8]) -> Option<(u8, Negotiated, &[u8])> {
    let (head, stream) = data.split_at_checked(4)?;
    let flags = head[0];
    let mask = u32::from_be_bytes([0, head[1], head[2], head[3]]);
    let families: Vec<Family> = FAMILIES
        .iter()
        .enumerate()
        .filter(|(bit, _)| mask & (1 << bit) != 0)
        .map(|(_, (afi, safi))| Family::new(*afi, *safi))
        .collect();
    let addpath = AddPath {
        send: flags & flag::ADDPATH_SEND != 0,
        receive: flags & flag::ADDPATH_RECEIVE != 0,
    };
    let nexthop = if flags & flag::EXTENDED_NEXTHOP != 0 {
        families
            .iter()
            .filter_map(|family| match family.afi {
                Afi::IPV4 => Some((*family, Afi::IPV6)),
                Afi::IPV6 => Some((*family, Afi::IPV4)),
                _ => None,
            })
            .collect()
    } else {
        Vec::new()
    };
    let negotiated = Negotiated {
        asn4: flags & flag::ASN4 != 0,
        local_as: 65533,
        peer_as: 65534,
        addpath: families.iter().map(|family| (*family, addpath)).collect(),
        families,
        msg_size: if flags & flag::EXTENDED_MESSAGE != 0 {
            message::MAX_EXTENDED_LEN
        } else {
            message::MAX_LEN
        },
        nexthop,
        aigp: flags & flag::AIGP != 0,
        flow_offset: if flags & flag::FLOW_OFFSET != 0 {
            OffsetLayout::default()
        } else {
            OffsetLayout::WholePrefix
        },
        ..Negotiated::default()
    };
    Some((flags, negotiated, stream))
}

/// Framing and every message decoder, in the session [`context`] describes: each whole message
/// of the stream is decoded, told to helpers (JSON and text) and, for an UPDATE, encoded again
/// and the result decoded. Stops where the peer FSM would close the session.
pub fn message(data: &[u8]) {
    let Some((flags, mut negotiated, stream)) = context(data) else {
        return;
    };
    let peer = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut buffer = BytesMut::from(stream);
    loop {
        let frame = match message::frame(&mut buffer, negotiated.msg_size) {
            Ok(Some(frame)) => frame,
            Ok(None) => return,
            Err(notification) => {
                tell_notification(&notification);
                return;
            }
        };
        let raw_header = [0u8; HEADER_LEN];
        let decoded = Message::decode(&frame, &negotiated);
        let message = match decoded {
            Ok(message) => message,
            Err(notification) => {
                tell_notification(&notification);
                return;
            }
        };
        match message {
            Message::Open(open) => {
                let _ = text::open(peer, "receive", &open, &raw_header, &frame.body);
                let mut json = String::new();
                open.json(&mut json);
                let _ = open.encode();
                if flags & flag::NEGOTIATE != 0 {
                    let (neighbor, sent) = local_open(&negotiated);
                    if let Err(notification) = Negotiated::new(&neighbor, &sent, &open) {
                        tell_notification(&notification);
                    }
                    negotiated = Negotiated::agree(&neighbor, &sent, &open);
                    let _ = exabgp_rs::reactor::api::response::json::negotiated_pair(&negotiated);
                }
            }
            Message::Update(update) => tell_update(&update, &negotiated, true),
            Message::Notification(notification) => tell_notification(&notification),
            Message::KeepAlive => {}
            Message::RouteRefresh { family, subtype } => {
                let refresh = message::refresh::RouteRefresh { family, subtype };
                let mut json = String::new();
                refresh.json(&mut json);
                let _ = text::refresh(peer, "receive", &refresh, &raw_header, &frame.body);
                let _ = refresh.encode();
            }
            Message::Unknown { kind, body } if kind == MessageType::OPERATIONAL.0 => {
                if let Ok(operational) = Operational::decode(&body) {
                    tell_operational(&operational);
                }
            }
            Message::Unknown { .. } => {}
        }
    }
}

/// Our OPEN for the session being fuzzed: every family, ADD-PATH both ways, extended next hop.
fn local_open(negotiated: &Negotiated) -> (Neighbor, Open) {
    let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut neighbor = Neighbor::new(localhost);
    neighbor.local_address = Some(localhost);
    neighbor.local_as = negotiated.local_as;
    neighbor.peer_as = negotiated.peer_as;
    neighbor.router_id = Some(Ipv4Addr::LOCALHOST);
    neighbor.families = FAMILIES
        .iter()
        .map(|(afi, safi)| Family::new(*afi, *safi))
        .collect();
    neighbor.capability.add_path = 3;
    neighbor.addpath = neighbor.families.clone();
    neighbor.capability.nexthop = true;
    neighbor.capability.asn4 = negotiated.asn4;
    let capabilities = Capabilities::new(&neighbor, false);
    let open = Open::new(neighbor.local_as, 180, Ipv4Addr::LOCALHOST, capabilities);
    (neighbor, open)
}

fn tell_notification(notification: &message::Notification) {
    let mut json = String::new();
    notification.json(&mut json);
    let _ = notification.encode();
}

fn tell_operational(operational: &Operational) {
    let mut json = String::new();
    operational.json(&mut json);
    let _ = operational.encode();
}

/// What the daemon does with an UPDATE: JSON (v4 and v6 forms) and text for the helpers; and,
/// when `again`, its encoding in the session (as the adj-rib-out would send it) read back.
fn tell_update(update: &Update, negotiated: &Negotiated, again: bool) {
    let mut json = String::new();
    update.json(&mut json);
    json.clear();
    update.json_api(true, &mut json);
    json.clear();
    update.text("neighbor 127.0.0.1 receive update", &mut json);
    let _ = update.to_json();
    let _ = text::update(IpAddr::V4(Ipv4Addr::LOCALHOST), "receive", update, &[], &[]);
    if !again {
        return;
    }
    for encoded in update.messages(negotiated, true) {
        if let Ok(back) =
            Update::decode_slice(encoded.get(HEADER_LEN..).unwrap_or_default(), negotiated)
        {
            tell_update(&back, negotiated, false);
        }
    }
}

/// Builds UPDATEs for the configured or commanded `changes` in a session of the neighbour's own
/// settings (as `validate -r` does) and reads them back.
fn send_changes(neighbor: &Neighbor, changes: &[Change]) {
    let both = AddPath {
        send: true,
        receive: true,
    };
    let negotiated = Negotiated {
        asn4: neighbor.capability.asn4,
        local_as: neighbor.local_as,
        peer_as: neighbor.peer_as,
        families: neighbor.families.clone(),
        addpath: neighbor.addpath.iter().map(|f| (*f, both)).collect(),
        nexthop: neighbor.nexthop.clone(),
        flow_offset: neighbor.flow_offset,
        ..Negotiated::default()
    };
    for change in changes {
        let update = Update {
            announces: vec![RoutedNlri {
                nlri: change.nlri.clone(),
                nexthop: change.nexthop,
            }],
            attributes: Attributes::clone(&change.attributes),
            ..Update::default()
        };
        tell_update(&update, &negotiated, true);
        let withdraw = Update {
            withdraws: vec![change.nlri.clone()],
            attributes: command::announce::withdrawn_attributes(change),
            ..Update::default()
        };
        tell_update(&withdraw, &negotiated, true);
    }
}

/// The configuration parser: the text, as a file's content, parsed and checked; then what the
/// daemon builds from each neighbour: its OPEN, the UPDATEs of its routes, its OPERATIONAL messages.
pub fn configuration(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    // a folder that does not exist: `run` programs are looked up, never found nor started
    let Ok(configuration) = Configuration::parse(&text, Path::new("/nonexistent/fuzz.conf")) else {
        return;
    };
    for peer in &configuration.neighbors {
        let neighbor = &peer.neighbor;
        let capabilities = Capabilities::new(neighbor, false);
        let open = Open::new(
            neighbor.local_as,
            neighbor.hold_time,
            neighbor.router_id.unwrap_or(Ipv4Addr::LOCALHOST),
            capabilities,
        );
        if let Ok(back) = Open::decode(open.encode().get(HEADER_LEN..).unwrap_or_default()) {
            let mut json = String::new();
            back.json(&mut json);
        }
        send_changes(neighbor, &peer.changes);
        for operational in &peer.operational {
            send_operational(operational);
        }
    }
}

/// A configured or commanded OPERATIONAL advisory as the API executor sends it, read back.
fn send_operational(message: &exabgp_rs::configuration::Operational) {
    let advisory = message
        .fields
        .iter()
        .find(|(key, _)| key == "advisory")
        .map_or("", |(_, value)| value.as_str());
    let encoded = Operational::advisory(1, message.family, advisory).encode();
    if let Ok(back) = Operational::decode(encoded.get(HEADER_LEN..).unwrap_or_default()) {
        tell_operational(&back);
    }
}

/// The API command parser: one line a helper wrote; the routes of an announce or withdraw built
/// for a neighbour of every family (`next-hop self` resolved) and encoded.
pub fn api_command(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    // the pipe reader gives the parser one line at a time
    for line in text.split('\n') {
        match command::parse(line) {
            Ok(command) => run_command(&command),
            Err(error) => {
                let _ = error.to_string();
            }
        }
    }
}

fn run_command(command: &Command) {
    match command {
        Command::Group(commands) => commands.iter().for_each(run_command),
        Command::Peers { action, .. } => match action {
            Action::Announce(routes) | Action::Withdraw(routes) => {
                let (mut neighbor, _) = local_open(&Negotiated::default());
                neighbor.local_address = Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)));
                if let Ok(changes) = command::announce::changes(routes, &neighbor) {
                    send_changes(&neighbor, &changes);
                }
            }
            Action::Operational(operational) => send_operational(operational),
            Action::Eor(Some(family)) | Action::RouteRefresh(family) => {
                let _ = exabgp_rs::reactor::protocol::eor(*family);
            }
            _ => {}
        },
        _ => {}
    }
}
