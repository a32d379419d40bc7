//! Ports `exabgp/application/decode.py` (with `configuration/check.py`'s `display_*`): `exabgp-rs decode`,
//! which prints a BGP message as the JSON a helper would receive for it from neighbour 127.0.0.1.

use crate::bgp::message::notification::Notification;
use crate::bgp::message::open::capability::capabilities::NEXTHOP;
use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::bgp::message::open::capability::Capabilities;
use crate::bgp::message::open::Open;
use crate::bgp::message::refresh::RouteRefresh;
use crate::bgp::message::update::Update;
use crate::bgp::message::{MessageType, HEADER_LEN, MARKER};
use crate::bgp::neighbor::Neighbor;
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
const ALL_FAMILIES: [(Afi, Safi); 23] = [
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

const USAGE: &str = "usage: exabgp-rs decode [-f \"afi safi\"] [-i] [--open|--update|--nlri] HEX";

/// Options of the command line.
struct Options {
    families: Option<String>,
    kind: Kind,
    path_information: bool,
    payload: String,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut families = None;
    let mut kind = Kind::Update;
    let mut path_information = false;
    let mut payload: Option<String> = None;
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "-f" | "--family" => families = Some(words.next().ok_or("-f needs a family")?.clone()),
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
    let payload = match payload {
        Some(payload) => payload,
        None => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .map_err(|e| e.to_string())?;
            text
        }
    };
    Ok(Options {
        families,
        kind,
        path_information,
        payload,
    })
}

/// Hex with optional spaces, colons and line breaks.
fn unhex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b' ' | b':' | b'\n' | b'\r' | b'\t'))
        .collect();
    let shown: String = text.chars().take(50).collect();
    if digits.is_empty() || digits.len() % 2 != 0 || !digits.iter().all(u8::is_ascii_hexdigit) {
        return Err(format!("invalid hexadecimal: {shown}"));
    }
    let value = |d: u8| (d as char).to_digit(16).unwrap_or(0) as u8;
    Ok(digits
        .chunks_exact(2)
        .map(|p| value(p[0]) << 4 | value(p[1]))
        .collect())
}

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
    let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut neighbor = Neighbor::new(localhost);
    neighbor.local_address = Some(localhost);
    neighbor.local_as = 65533;
    neighbor.peer_as = 65533;
    neighbor.router_id = Some(Ipv4Addr::LOCALHOST);
    neighbor.families = families(options.families.as_deref())?;
    if options.path_information {
        neighbor.capability.add_path = 3;
        neighbor.addpath = neighbor.families.clone();
    }
    if options.families.is_none() {
        // decode accepts IPv6 next hops for IPv4 NLRI when decoding for all families
        neighbor.capability.nexthop = true;
        neighbor.nexthop = NEXTHOP.to_vec();
    }
    Ok(neighbor)
}

/// ExaBGP's `check._negotiated`: both OPENs carry our capabilities, the peer's identifier is ours
/// with each byte plus one (modulo 250).
fn negotiated(neighbor: &Neighbor) -> Result<Negotiated, Notification> {
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
    Negotiated::new(neighbor, &sent, &received)
}

fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|path| {
            std::fs::read_to_string(path)
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "localhost".to_string())
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

fn header(neighbor: &Neighbor, api: ApiVersion) -> Header {
    let time = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    Header {
        api,
        time,
        host: host_name(),
        pid: std::process::id(),
        ppid: std::os::unix::process::parent_id(),
        counter: Some(1),
        peer: Some(Peer {
            local_address: neighbor
                .local_address
                .map_or_else(|| "None".into(), |a| a.to_string()),
            peer_address: neighbor.peer_address.to_string(),
            local_as: neighbor.local_as,
            peer_as: neighbor.peer_as,
            router_id: neighbor.router_id,
        }),
        direction: Some("in"),
    }
}

/// Decodes one payload and returns the JSON line.
fn display(options: &Options) -> Result<String, String> {
    let raw = unhex(&options.payload)?;
    let neighbor = neighbor(options)?;
    let negotiated = negotiated(&neighbor).map_err(|n| format!("invalid configuration: {n}"))?;
    let api = api_version();

    if options.kind == Kind::Nlri {
        return Err("nlri decoding not available".into());
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
                &header(&neighbor, ApiVersion::V6),
                &open,
                b"",
                b"",
            ))
        }
        MessageType::UPDATE => {
            Update::decode(Bytes::copy_from_slice(body), &negotiated).map_err(invalid)?;
            Err("update decoding not available".into())
        }
        MessageType::NOTIFICATION => Ok(json::notification(
            &header(&neighbor, api),
            &Notification::decode(body),
            b"",
            b"",
        )),
        MessageType::KEEPALIVE => {
            crate::bgp::message::keepalive::decode(body).map_err(invalid)?;
            Ok(json::keepalive(&header(&neighbor, api), b"", b""))
        }
        MessageType::ROUTE_REFRESH => {
            let refresh = RouteRefresh::decode(body).map_err(invalid)?;
            Ok(json::refresh(&header(&neighbor, api), &refresh, b"", b""))
        }
        MessageType(other) => Err(format!("unknown type {other}")),
    }
}

/// Runs `decode` with its arguments (after the word `decode`); returns the exit code.
pub fn run(args: &[String]) -> i32 {
    let result = parse_args(args).and_then(|options| display(&options));
    match result {
        Ok(line) => {
            println!("{line}");
            0
        }
        Err(error) => {
            eprintln!("{error}");
            1
        }
    }
}
