//! Ports `exabgp/bgp/message/open/capability/capabilities.py`: the capabilities of an OPEN, framed as
//! optional parameters (RFC 5492 §4, RFC 4271 §4.2), extended optional parameters (RFC 9072).

use super::{
    addpath::AddPath, asn4::Asn4, extended::ExtendedMessage, graceful::Graceful,
    hostname::HostName, linklocal::LinkLocalNextHop, malformed, mp::MultiProtocol,
    ms::MultiSession, nexthop::NextHop, operational::Operational, refresh::EnhancedRouteRefresh,
    refresh::RouteRefresh, software::Software, Capability, CapabilityCode,
};
use crate::bgp::message::Notification;
use crate::bgp::neighbor::Neighbor;
use crate::protocol::family::{Afi, Family, Safi};
use bytes::Bytes;

/// Optional parameter type of capabilities (RFC 5492 §4).
const PARAMETER_CAPABILITIES: u8 = 2;
/// The marker of RFC 9072 extended optional parameters.
const EXTENDED_LENGTH: u8 = 255;

/// Families ExaBGP will announce ADD-PATH for, in its order.
const ADD_PATH: [Family; 8] = [
    Family::new(Afi::IPV4, Safi::UNICAST),
    Family::new(Afi::IPV6, Safi::UNICAST),
    Family::new(Afi::IPV4, Safi::NLRI_MPLS),
    Family::new(Afi::IPV6, Safi::NLRI_MPLS),
    Family::new(Afi::IPV4, Safi::MPLS_VPN),
    Family::new(Afi::IPV6, Safi::MPLS_VPN),
    Family::new(Afi::IPV4, Safi::MUP),
    Family::new(Afi::IPV6, Safi::MUP),
];

/// (family, next-hop AFI) pairs ExaBGP will announce extended next hop for, in its order.
pub const NEXTHOP: [(Family, Afi); 4] = [
    (Family::new(Afi::IPV4, Safi::UNICAST), Afi::IPV6),
    (Family::new(Afi::IPV4, Safi::MULTICAST), Afi::IPV6),
    (Family::new(Afi::IPV4, Safi::NLRI_MPLS), Afi::IPV6),
    (Family::new(Afi::IPV4, Safi::MPLS_VPN), Afi::IPV6),
];

/// The capabilities of an OPEN, one per code, in the order first sent or received.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Capabilities(pub Vec<Capability>);

impl Capabilities {
    /// The capabilities ExaBGP announces for `neighbor`, in ExaBGP's order.
    /// `restarted`: the graceful-restart R bit (RFC 4724 §3).
    pub fn new(neighbor: &Neighbor, restarted: bool) -> Capabilities {
        let cap = &neighbor.capability;
        let mut out = Vec::new();
        out.push(Capability::MultiProtocol(MultiProtocol(
            neighbor.families.clone(),
        )));
        if cap.asn4 {
            out.push(Capability::Asn4(Asn4(neighbor.local_as)));
        }
        if cap.nexthop {
            let pairs = NEXTHOP
                .iter()
                .filter(|p| neighbor.nexthop.contains(p))
                .copied()
                .collect();
            out.push(Capability::NextHop(NextHop(pairs)));
        }
        if cap.add_path != 0 {
            let families: Vec<Family> = ADD_PATH
                .iter()
                .filter(|f| neighbor.addpath.contains(f))
                .copied()
                .collect();
            out.push(Capability::AddPath(AddPath::new(&families, cap.add_path)));
        }
        if let Some(time) = cap.graceful_restart {
            let flag = if restarted {
                Graceful::RESTART_STATE
            } else {
                0
            };
            let families = neighbor
                .families
                .iter()
                .map(|f| (*f, Graceful::FORWARDING_STATE))
                .collect();
            out.push(Capability::Graceful(Graceful::new(flag, time, families)));
        }
        if cap.route_refresh {
            out.push(Capability::RouteRefresh(RouteRefresh { cisco: false }));
            out.push(Capability::EnhancedRouteRefresh(EnhancedRouteRefresh));
        }
        if cap.operational {
            out.push(Capability::Operational(Operational));
        }
        if cap.extended_message {
            out.push(Capability::ExtendedMessage(ExtendedMessage));
        }
        out.push(Capability::HostName(HostName {
            host_name: neighbor.host_name.clone(),
            domain_name: neighbor.domain_name.clone(),
        }));
        if cap.software_version {
            out.push(Capability::Software(Software::new(
                &neighbor.software_version,
            )));
        }
        if cap.link_local_nexthop {
            out.push(Capability::LinkLocalNextHop(LinkLocalNextHop));
        }
        if cap.multi_session {
            out.push(Capability::MultiSession(MultiSession::new(vec![
                CapabilityCode::MULTIPROTOCOL,
            ])));
        }
        Capabilities(out)
    }

    /// The capability with this code, if announced.
    pub fn get(&self, code: u8) -> Option<&Capability> {
        self.0.iter().find(|c| c.code() == code)
    }

    pub fn announced(&self, code: u8) -> bool {
        self.get(code).is_some()
    }

    /// Families of the multiprotocol capability (empty when absent).
    pub fn families(&self) -> &[Family] {
        match self.get(CapabilityCode::MULTIPROTOCOL) {
            Some(Capability::MultiProtocol(mp)) => &mp.0,
            _ => &[],
        }
    }

    /// Adds a decoded TLV, merging with an earlier capability of the same code.
    fn add(&mut self, code: u8, value: &[u8]) -> Result<(), Notification> {
        match self.0.iter().position(|c| c.code() == code) {
            Some(at) => {
                let previous = self.0[at].clone();
                self.0[at] = Capability::decode(code, value, Some(previous))?;
            }
            None => self.0.push(Capability::decode(code, value, None)?),
        }
        Ok(())
    }

    /// The optional parameters, their length field included: each capability TLV in its own
    /// parameter, as ExaBGP sends them; RFC 9072 extended framing when they reach 255 bytes.
    pub fn encode(&self) -> Vec<u8> {
        let tlvs: Vec<(u8, Vec<u8>)> = self
            .0
            .iter()
            .flat_map(|c| c.values().into_iter().map(move |v| (c.code(), v)))
            .collect();
        let standard: usize = tlvs.iter().map(|(_, v)| 4 + v.len()).sum();
        if standard < 255 {
            let mut out = Vec::with_capacity(1 + standard);
            out.push(standard as u8);
            for (code, value) in &tlvs {
                out.extend_from_slice(&[
                    PARAMETER_CAPABILITIES,
                    (value.len() + 2) as u8,
                    *code,
                    value.len() as u8,
                ]);
                out.extend_from_slice(value);
            }
            return out;
        }
        let extended: usize = tlvs.iter().map(|(_, v)| 5 + v.len()).sum();
        let mut out = Vec::with_capacity(4 + extended);
        out.extend_from_slice(&[EXTENDED_LENGTH, EXTENDED_LENGTH]);
        out.extend_from_slice(&(extended as u16).to_be_bytes());
        for (code, value) in &tlvs {
            out.push(PARAMETER_CAPABILITIES);
            out.extend_from_slice(&((value.len() + 2) as u16).to_be_bytes());
            out.extend_from_slice(&[*code, value.len() as u8]);
            out.extend_from_slice(value);
        }
        out
    }

    /// Decodes the optional parameters of an OPEN, starting at their length field.
    ///
    /// A parameter other than capabilities is (2, 4) Unsupported Optional Parameter (RFC 4271 §6.2;
    /// ExaBGP sends (2, 0), or (2, 5) for the deprecated authentication parameter).
    pub fn decode(data: &[u8]) -> Result<Capabilities, Notification> {
        let mut capabilities = Capabilities::default();
        let Some(&option_len) = data.first() else {
            return Ok(capabilities);
        };
        let (params, extended) =
            if option_len == EXTENDED_LENGTH && data.get(1) == Some(&EXTENDED_LENGTH) {
                let Some(&[a, b]) = data.get(2..4) else {
                    return Err(malformed(format!(
                        "OPEN extended parameters too short: need 4 bytes, got {}",
                        data.len()
                    )));
                };
                let len = usize::from(u16::from_be_bytes([a, b]));
                let Some(params) = data.get(4..4 + len) else {
                    return Err(malformed(format!(
                        "OPEN extended parameters truncated: need {} bytes, got {}",
                        len + 4,
                        data.len()
                    )));
                };
                (params, true)
            } else {
                let len = usize::from(option_len);
                let Some(params) = data.get(1..1 + len) else {
                    return Err(malformed(format!(
                        "OPEN parameters truncated: need {} bytes, got {}",
                        len + 1,
                        data.len()
                    )));
                };
                (params, false)
            };
        let mut rest = params;
        while !rest.is_empty() {
            let (kind, value, next) = if extended {
                split_extended(rest)?
            } else {
                split_tlv("parameter", rest)?
            };
            rest = next;
            if kind != PARAMETER_CAPABILITIES {
                return Err(Notification::new(2, 4, Bytes::new()));
            }
            let mut value = value;
            while !value.is_empty() {
                let (code, capability, next) = split_tlv("capability", value)?;
                value = next;
                capabilities.add(code, capability)?;
            }
        }
        Ok(capabilities)
    }

    /// ExaBGP's JSON object of an OPEN's capabilities, keyed by decimal code.
    pub fn json(&self, out: &mut String) {
        out.push_str("{ ");
        for (i, c) in self.0.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push('"');
            out.push_str(&c.code().to_string());
            out.push_str("\": ");
            c.json(out);
        }
        out.push_str(" }");
    }
}

/// One-byte type, one-byte length TLV.
fn split_tlv<'a>(name: &str, data: &'a [u8]) -> Result<(u8, &'a [u8], &'a [u8]), Notification> {
    let [kind, len, rest @ ..] = data else {
        return Err(malformed(format!(
            "Bad length for OPEN {name} (<2) {}",
            hex(data)
        )));
    };
    let len = usize::from(*len);
    if rest.len() < len {
        return Err(malformed(format!(
            "Bad length for OPEN {name} (buffer underrun) {}",
            hex(data)
        )));
    }
    Ok((*kind, &rest[..len], &rest[len..]))
}

/// One-byte type, two-byte length parameter (RFC 9072 §2).
fn split_extended(data: &[u8]) -> Result<(u8, &[u8], &[u8]), Notification> {
    let [kind, a, b, rest @ ..] = data else {
        return Err(malformed(format!(
            "Bad length for OPEN (extended) parameter (<3) {}",
            hex(data)
        )));
    };
    let len = usize::from(u16::from_be_bytes([*a, *b]));
    if rest.len() < len {
        return Err(malformed(format!(
            "Bad length for OPEN (extended) parameter (buffer underrun) {}",
            hex(data)
        )));
    }
    Ok((*kind, &rest[..len], &rest[len..]))
}

fn hex(data: &[u8]) -> String {
    let mut out = String::from("0x");
    for b in data {
        out.push_str(&format!("{b:02x}"));
    }
    out
}
