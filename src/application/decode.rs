//! Ports `exabgp/application/decode.py` (with `configuration/check.py`'s `display_*`): `exabgp-rs decode`,
//! which prints a BGP message as the JSON a helper would receive for it from neighbour 127.0.0.1.

use crate::bgp::message::notification::Notification;
use crate::bgp::message::open::capability::capabilities::NEXTHOP;
use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::bgp::message::open::capability::Capabilities;
use crate::bgp::message::open::Open;
use crate::bgp::message::refresh::RouteRefresh;
use crate::bgp::message::update::nlri::Nlri;
use crate::bgp::message::update::Update;
use crate::bgp::message::{MessageType, HEADER_LEN, MARKER};
use crate::bgp::neighbor::Neighbor;
use crate::configuration::{Configuration, Programs};
use crate::protocol::family::{Afi, Family, Safi};
use crate::reactor::api::response::json::{self, ApiVersion, Header, Peer};
use bytes::Bytes;
use std::net::{IpAddr, Ipv4Addr};

/// What the payload is, from `--open`, `--update`, `--nlri`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Open,
    Update,
    Nlri,
}

/// The families of ExaBGP's `Family.all_families()`, in its order: what decode negotiates
/// when no `-f` is given.
pub const ALL_FAMILIES: [(Afi, Safi); 23] = [
    (Afi::IPV4, Safi::UNICAST),
    (Afi::IPV4, Safi::MULTICAST),
    (Afi::IPV4, Safi::NLRI_MPLS),
    (Afi::IPV4, Safi::MUP),
    (Afi::IPV4, Safi::MPLS_VPN),
    (Afi::IPV4, Safi::MCAST_VPN),
    (Afi::IPV4, Safi::FLOW_IP),
    (Afi::IPV4, Safi::FLOW_VPN),
    (Afi::IPV4, Safi::RTC),
    (Afi::IPV6, Safi::UNICAST),
    (Afi::IPV6, Safi::MULTICAST),
    (Afi::IPV6, Safi::NLRI_MPLS),
    (Afi::IPV6, Safi::MUP),
    (Afi::IPV6, Safi::MPLS_VPN),
    (Afi::IPV6, Safi::MCAST_VPN),
    (Afi::IPV6, Safi::FLOW_IP),
    (Afi::IPV6, Safi::FLOW_VPN),
    (Afi::L2VPN, Safi::VPLS),
    (Afi::L2VPN, Safi::EVPN),
    (Afi::BGPLS, Safi::BGPLS),
    (Afi::BGPLS, Safi::BGPLS_VPN),
    (Afi::IPV4, Safi::SR_POLICY),
    (Afi::IPV6, Safi::SR_POLICY),
];

pub(crate) const USAGE: &str = "\
usage: exabgp-rs decode [-c CONFIGURATION | -f \"afi safi\"] [-i] [--open|--update|--nlri] HEX

Prints a BGP message given in hexadecimal as the JSON ExaBGP hands its helpers. Without HEX,
each non-empty line of standard input is one message.

options:
  -f, --family TEXT         negotiated families, pairs of words (default: every family)
  -c, --configuration FILE  decode in the session of each neighbour of FILE
  -i, --path-information    ADD-PATH negotiated on the families
  -o, --open                HEX without a BGP header is an OPEN body
  -u, --update              HEX without a BGP header is an UPDATE body (the default)
  -n, --nlri                HEX is NLRI alone, of the family given with -f
  -j, --json                accepted for ExaBGP compatibility (JSON is the only output)";

/// Options of the command line.
struct Options {
    /// `-c`: decode for each neighbour of this configuration instead of the default one.
    configuration: Option<String>,
    families: Option<String>,
    kind: Kind,
    path_information: bool,
    /// One message per entry: the argument, or each non-empty line of standard input.
    payloads: Vec<String>,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut families = None;
    let mut configuration = None;
    let mut kind = Kind::Update;
    let mut path_information = false;
    let mut payload: Option<String> = None;
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "-f" | "--family" => families = Some(words.next().ok_or("-f needs a family")?.clone()),
            "-c" | "--configuration" => {
                configuration = Some(words.next().ok_or("-c needs a configuration file")?.clone())
            }
            "-o" | "--open" => kind = Kind::Open,
            "-u" | "--update" => kind = Kind::Update,
            "-n" | "--nlri" => kind = Kind::Nlri,
            "-i" | "--path-information" => path_information = true,
            "-j" | "--json" => {}
            "-h" | "--help" => return Err(USAGE.into()),
            other if other.starts_with('-') && other.len() > 1 => {
                return Err(format!("unknown option {other}"))
            }
            other => match &mut payload {
                // ExaBGP reads one argument; words given separately are the same hex split by spaces
                Some(text) => text.push_str(other),
                None => payload = Some(other.to_string()),
            },
        }
    }
    let payloads = match payload {
        Some(payload) => vec![payload],
        None => {
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                return Err(USAGE.into());
            }
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .map_err(|e| e.to_string())?;
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect()
        }
    };
    Ok(Options {
        configuration,
        families,
        kind,
        path_information,
        payloads,
    })
}

pub(crate) use crate::util::hex::unhex;

/// ExaBGP's `parse_family`: pairs of words, or `all`.
fn families(text: Option<&str>) -> Result<Vec<Family>, String> {
    let Some(text) = text.filter(|t| !t.trim().eq_ignore_ascii_case("all")) else {
        return Ok(ALL_FAMILIES
            .iter()
            .map(|(afi, safi)| Family::new(*afi, *safi))
            .collect());
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() || words.len() % 2 != 0 {
        return Err(format!(
            "configuration error: Invalid family format: {text}"
        ));
    }
    words
        .chunks_exact(2)
        .map(|pair| {
            Family::from_name(&format!("{} {}", pair[0], pair[1])).ok_or_else(|| {
                format!(
                    "configuration error: Unknown family: {} {}",
                    pair[0], pair[1]
                )
            })
        })
        .collect()
}

/// ExaBGP's `create_minimal_configuration`: 127.0.0.1 both sides, AS 65533 both sides.
fn neighbor(options: &Options) -> Result<Neighbor, String> {
    minimal_neighbor(
        options.families.as_deref(),
        65533,
        65533,
        options.path_information,
    )
}

/// ExaBGP's `create_minimal_configuration` (shared with `encode`): 127.0.0.1 both sides, the
/// `families` given (all when `None`), ADD-PATH both ways on them with `add_path`.
pub(crate) fn minimal_neighbor(
    families_text: Option<&str>,
    local_as: u32,
    peer_as: u32,
    add_path: bool,
) -> Result<Neighbor, String> {
    let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut neighbor = Neighbor::new(localhost);
    neighbor.local_address = Some(localhost);
    neighbor.local_as = local_as;
    neighbor.peer_as = peer_as;
    neighbor.router_id = Some(Ipv4Addr::LOCALHOST);
    neighbor.families = families(families_text)?;
    if add_path {
        neighbor.capability.add_path = 3;
        neighbor.addpath = neighbor.families.clone();
    }
    if families_text.is_none() {
        // decode accepts IPv6 next hops for IPv4 NLRI when decoding for all families
        neighbor.capability.nexthop = true;
        neighbor.nexthop = NEXTHOP.to_vec();
    }
    Ok(neighbor)
}

/// ExaBGP's `check._negotiated`: both OPENs carry our capabilities, the peer's identifier is ours
/// with each byte plus one (modulo 250).
pub(crate) fn negotiated(neighbor: &Neighbor) -> Negotiated {
    let mut capabilities = Capabilities::new(neighbor, false);
    if neighbor.capability.add_path != 0 {
        use crate::bgp::message::open::capability::{addpath::AddPath, Capability, CapabilityCode};
        let addpath = Capability::AddPath(AddPath::new(
            &neighbor.addpath,
            neighbor.capability.add_path,
        ));
        match capabilities
            .0
            .iter_mut()
            .find(|c| c.code() == CapabilityCode::ADD_PATH)
        {
            Some(existing) => *existing = addpath,
            None => capabilities.0.push(addpath),
        }
    }
    let ours = neighbor.router_id.unwrap_or(Ipv4Addr::LOCALHOST);
    let theirs = ours.octets().map(|b| ((u16::from(b) + 1) % 250) as u8);
    let sent = Open::new(neighbor.local_as, 180, ours, capabilities.clone());
    let received = Open::new(neighbor.peer_as, 180, Ipv4Addr::from(theirs), capabilities);
    Negotiated::agree(neighbor, &sent, &received)
}

/// The API version from `exabgp_api_version` / `exabgp.api.version` (ExaBGP's default is 6).
fn api_version() -> ApiVersion {
    let value =
        std::env::var("exabgp_api_version").or_else(|_| std::env::var("exabgp.api.version"));
    match value.as_deref().map(str::trim) {
        Ok("4") => ApiVersion::V4,
        _ => ApiVersion::V6,
    }
}

fn header(neighbor: &Neighbor, api: ApiVersion, counter: u64) -> Header {
    let time = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    Header {
        api,
        time,
        host: crate::reactor::sys::host_name().into(),
        pid: std::process::id(),
        ppid: std::os::unix::process::parent_id(),
        counter: Some(counter),
        peer: Some(Peer {
            local_address: neighbor.local_address,
            peer_address: neighbor.peer_address,
            local_as: neighbor.local_as,
            peer_as: neighbor.peer_as,
            router_id: neighbor.router_id,
        }),
        direction: Some("in"),
    }
}

/// Decodes one payload and returns the JSON line.
/// The neighbours to decode for: those of `-c`, else ExaBGP's minimal one.
fn neighbors(options: &Options) -> Result<Vec<Neighbor>, String> {
    let Some(path) = &options.configuration else {
        return Ok(vec![neighbor(options)?]);
    };
    // decoding runs no helper: their programs need not exist (ExaBGP main checks them)
    let configuration = Configuration::load_with(std::path::Path::new(path), Programs::AsWritten)
        .map_err(|e| format!("configuration error: {e}"))?;
    Ok(configuration
        .neighbors
        .into_iter()
        .map(|peer| {
            let mut neighbor = peer.neighbor;
            // ExaBGP's default router id is the local address
            if neighbor.router_id.is_none() {
                if let Some(IpAddr::V4(local)) = neighbor.local_address {
                    neighbor.router_id = Some(local);
                }
            }
            neighbor
        })
        .collect())
}

fn display(
    options: &Options,
    neighbor: &Neighbor,
    payload: &str,
    counter: u64,
) -> Result<String, String> {
    let raw = unhex(payload)?;
    let neighbor = neighbor.clone();
    let negotiated = negotiated(&neighbor);
    let api = api_version();

    if options.kind == Kind::Nlri {
        return nlri(&neighbor, &negotiated, &raw);
    }

    let (kind, body) = if raw.starts_with(&MARKER) {
        let Some(&kind) = raw.get(18) else {
            return Err("invalid payload: message shorter than a BGP header".into());
        };
        let declared = usize::from(u16::from_be_bytes([raw[16], raw[17]]));
        if declared != raw.len() {
            return Err(format!(
                "invalid payload: BGP header size ({declared}) does not match data length ({})",
                raw.len()
            ));
        }
        (MessageType(kind), &raw[HEADER_LEN..])
    } else if options.kind == Kind::Open {
        (MessageType::OPEN, &raw[..])
    } else {
        // ExaBGP reads a payload without marker as an UPDATE body
        (MessageType::UPDATE, &raw[..])
    };

    let invalid = |n: Notification| format!("invalid payload: {n}");
    match kind {
        MessageType::OPEN => {
            let open = Open::decode(body).map_err(invalid)?;
            // ExaBGP writes OPENs with its current JSON encoder whatever the API version
            Ok(json::open(
                &header(&neighbor, ApiVersion::V6, counter),
                &open,
                b"",
                b"",
            ))
        }
        MessageType::UPDATE => {
            let update =
                Update::decode(Bytes::copy_from_slice(body), &negotiated).map_err(invalid)?;
            Ok(json::update(
                &header(&neighbor, api, counter),
                |out| update.json_api(api == ApiVersion::V4, out),
                256,
                b"",
                b"",
                None,
            ))
        }
        MessageType::NOTIFICATION => Ok(json::notification(
            &header(&neighbor, api, counter),
            &Notification::decode(body),
            b"",
            b"",
        )),
        MessageType::KEEPALIVE => {
            crate::bgp::message::keepalive::decode(body).map_err(invalid)?;
            Ok(json::keepalive(&header(&neighbor, api, counter), b"", b""))
        }
        MessageType::ROUTE_REFRESH => {
            let refresh = RouteRefresh::decode(body).map_err(invalid)?;
            Ok(json::refresh(
                &header(&neighbor, api, counter),
                &refresh,
                b"",
                b"",
            ))
        }
        MessageType(other) => Err(format!("unknown type {other}")),
    }
}

/// ExaBGP's `display_nlri`: the payload is NLRI of the first family, one JSON line each.
fn nlri(neighbor: &Neighbor, negotiated: &Negotiated, raw: &[u8]) -> Result<String, String> {
    let family = *neighbor
        .families
        .first()
        .ok_or("no family to decode NLRI of")?;
    if !Nlri::supported(family) {
        return Err(format!("nlri decoding not available for {family}"));
    }
    let addpath = negotiated.addpath_send(family);
    let mut lines = Vec::new();
    let mut rest = raw;
    while !rest.is_empty() {
        let (nlri, used) = Nlri::decode(family, rest, addpath, negotiated.flow_offset)
            .map_err(|n| format!("invalid payload: {family} NLRI: {n}"))?;
        let mut line = String::new();
        nlri.json(&mut line);
        lines.push(line);
        rest = rest.get(used.max(1)..).unwrap_or_default();
    }
    Ok(lines.join("\n"))
}

/// Runs `decode` with its arguments (after the word `decode`); returns the exit code.
pub fn run(args: &[String]) -> i32 {
    if args.iter().any(|arg| arg == "-h" || arg == "--help") {
        println!("{USAGE}");
        return 0;
    }
    let options = match parse_args(args) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("{error}");
            return 1;
        }
    };
    let neighbors = match neighbors(&options) {
        Ok(neighbors) => neighbors,
        Err(error) => {
            eprintln!("{error}");
            return 1;
        }
    };
    let mut status = 0;
    // ExaBGP counts messages per neighbour, one decoded payload after the other
    for (counter, payload) in (1..).zip(&options.payloads) {
        for neighbor in &neighbors {
            match display(&options, neighbor, payload, counter) {
                Ok(line) => println!("{line}"),
                Err(error) => {
                    eprintln!("{error}");
                    status = 1;
                }
            }
        }
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(families: Option<&str>, path_information: bool) -> Options {
        Options {
            configuration: None,
            families: families.map(String::from),
            kind: Kind::Update,
            path_information,
            payloads: Vec::new(),
        }
    }

    #[test]
    fn hex_forms() {
        assert_eq!(unhex("ff:00 1a").unwrap(), vec![0xFF, 0, 0x1A]);
        assert!(unhex("").is_err());
        assert!(unhex("F").is_err());
        assert!(unhex("GG").is_err());
    }

    #[test]
    fn all_families_by_default_with_extended_next_hop() {
        let neighbor = neighbor(&options(None, false)).unwrap();
        assert_eq!(neighbor.families.len(), 23);
        let negotiated = negotiated(&neighbor);
        assert_eq!(negotiated.families, neighbor.families);
        assert_eq!(negotiated.nexthop.len(), 4);
        assert!(negotiated.asn4);
        assert_eq!((negotiated.local_as, negotiated.peer_as), (65533, 65533));
        assert!(!negotiated.addpath_receive(Family::IPV4_UNICAST));
    }

    #[test]
    fn chosen_families_and_path_information() {
        let neighbor = neighbor(&options(Some("ipv4 unicast ipv6 flow"), true)).unwrap();
        let negotiated = negotiated(&neighbor);
        assert_eq!(
            negotiated.families,
            vec![Family::IPV4_UNICAST, Family::new(Afi::IPV6, Safi::FLOW_IP)]
        );
        assert!(negotiated.nexthop.is_empty());
        // path identifiers both ways, for every family given (not only ExaBGP's ADD-PATH list)
        assert!(negotiated.addpath_receive(Family::new(Afi::IPV6, Safi::FLOW_IP)));
        assert!(families(Some("ipv4")).is_err());
        assert!(families(Some("ipv4 nothing")).is_err());
    }
}
