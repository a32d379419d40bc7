//! Ports `exabgp/bgp/message/update/attribute/tunnel_encap/sr_policy/` (`__init__.py`,
//! preference.py, priority.py, binding_sid.py, srv6_binding_sid.py, policy_name.py,
//! candidate_path_name.py): the SR Policy tunnel and its sub-TLVs (RFC 9830 §2.4).

pub mod segment_list;

use super::{hex, subtlvs, write_subtlv};
use crate::bgp::message::update::attribute::Malformed;
use crate::util::json;
use bytes::{BufMut, BytesMut};
use std::fmt::Write;
use std::net::Ipv6Addr;

pub use segment_list::{EndpointBehavior, Segment, SegmentList};

pub const PREFERENCE: u8 = 12;
pub const BINDING_SID: u8 = 13;
pub const PRIORITY: u8 = 15;
pub const SRV6_BINDING_SID: u8 = 20;
pub const SEGMENT_LIST: u8 = 128;
pub const CANDIDATE_PATH_NAME: u8 = 129;
pub const POLICY_NAME: u8 = 130;

/// SRv6 Binding SID flag B: an endpoint behavior follows the SID (RFC 9830 §2.4.3).
const SRV6_BSID_B: u8 = 0x20;

/// The sub-TLVs of an SR Policy tunnel, in the order received.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct SrPolicyTunnel {
    pub subtlvs: Vec<SubTlv>,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum SubTlv {
    Preference {
        flags: u8,
        preference: u32,
    },
    /// `label`: `None` when no SID is carried (two bytes of value).
    BindingSid {
        flags: u8,
        label: Option<u32>,
    },
    Priority(u8),
    Srv6BindingSid {
        flags: u8,
        sid: Ipv6Addr,
        behavior: Option<EndpointBehavior>,
    },
    SegmentList(SegmentList),
    PolicyName {
        flags: u8,
        name: String,
    },
    CandidatePathName {
        flags: u8,
        name: String,
    },
    /// A sub-TLV not decoded here, or one whose size does not match its type.
    Generic {
        kind: u8,
        value: Vec<u8>,
    },
}

impl SubTlv {
    fn decode(kind: u8, value: &[u8]) -> Result<SubTlv, Malformed> {
        let word = |v: &[u8]| u32::from_be_bytes([v[0], v[1], v[2], v[3]]);
        let name = |v: &[u8]| String::from_utf8(v.to_vec()).ok();
        Ok(match (kind, value) {
            (PREFERENCE, [flags, _, rest @ ..]) if rest.len() == 4 => SubTlv::Preference {
                flags: *flags,
                preference: word(rest),
            },
            (BINDING_SID, [flags, _]) => SubTlv::BindingSid {
                flags: *flags,
                label: None,
            },
            (BINDING_SID, [flags, _, rest @ ..]) if rest.len() == 4 => SubTlv::BindingSid {
                flags: *flags,
                label: Some(word(rest) >> 12),
            },
            (PRIORITY, [priority, _]) => SubTlv::Priority(*priority),
            (SRV6_BINDING_SID, [flags, _, rest @ ..])
                if rest.len() == 16 || (rest.len() == 24 && flags & SRV6_BSID_B != 0) =>
            {
                let mut sid = [0u8; 16];
                sid.copy_from_slice(&rest[..16]);
                SubTlv::Srv6BindingSid {
                    flags: *flags,
                    sid: Ipv6Addr::from(sid),
                    behavior: rest.get(16..).and_then(EndpointBehavior::decode),
                }
            }
            (SEGMENT_LIST, _) => SubTlv::SegmentList(SegmentList::decode(value)?),
            (POLICY_NAME | CANDIDATE_PATH_NAME, [flags, rest @ ..]) if name(rest).is_some() => {
                let name = name(rest).unwrap_or_default();
                if kind == POLICY_NAME {
                    SubTlv::PolicyName {
                        flags: *flags,
                        name,
                    }
                } else {
                    SubTlv::CandidatePathName {
                        flags: *flags,
                        name,
                    }
                }
            }
            _ => SubTlv::Generic {
                kind,
                value: value.to_vec(),
            },
        })
    }

    fn encode(&self, out: &mut BytesMut) {
        let mut value = BytesMut::new();
        let kind = match self {
            SubTlv::Preference { flags, preference } => {
                value.put_slice(&[*flags, 0]);
                value.put_u32(*preference);
                PREFERENCE
            }
            SubTlv::BindingSid { flags, label } => {
                value.put_slice(&[*flags, 0]);
                if let Some(label) = label {
                    // bottom of stack set, TTL 0, as ExaBGP
                    value.put_u32(label << 12 | 0x100);
                }
                BINDING_SID
            }
            SubTlv::Priority(priority) => {
                value.put_slice(&[*priority, 0]);
                PRIORITY
            }
            SubTlv::Srv6BindingSid {
                flags,
                sid,
                behavior,
            } => {
                let b = if behavior.is_some() { SRV6_BSID_B } else { 0 };
                value.put_slice(&[flags | b, 0]);
                value.put_slice(&sid.octets());
                if let Some(behavior) = behavior {
                    behavior.encode(&mut value);
                }
                SRV6_BINDING_SID
            }
            SubTlv::SegmentList(list) => {
                list.encode(&mut value);
                SEGMENT_LIST
            }
            SubTlv::PolicyName { flags, name } | SubTlv::CandidatePathName { flags, name } => {
                value.put_u8(*flags);
                value.put_slice(name.as_bytes());
                if matches!(self, SubTlv::PolicyName { .. }) {
                    POLICY_NAME
                } else {
                    CANDIDATE_PATH_NAME
                }
            }
            SubTlv::Generic { kind, value: raw } => {
                value.put_slice(raw);
                *kind
            }
        };
        write_subtlv(kind, &value, out);
    }

    /// The JSON member of a sub-TLV other than a segment list.
    fn json(&self, out: &mut String) {
        match self {
            SubTlv::Preference { preference, .. } => {
                json::field(out, "preference", preference);
            }
            SubTlv::BindingSid { label: None, .. } => out.push_str("\"binding-sid\": null"),
            SubTlv::BindingSid {
                label: Some(label), ..
            } => {
                let _ = write!(
                    out,
                    "\"binding-sid\": {{\"type\": \"mpls\", \"label\": {label}}}"
                );
            }
            SubTlv::Priority(priority) => {
                json::field(out, "priority", priority);
            }
            SubTlv::Srv6BindingSid {
                sid,
                behavior: None,
                ..
            } => {
                json::text(out, "srv6-binding-sid", ip(*sid));
            }
            SubTlv::Srv6BindingSid {
                sid,
                behavior: Some(b),
                ..
            } => {
                let _ = write!(
                    out,
                    "\"srv6-binding-sid\": {{\"sid\": \"{}\", \"behavior\": {}, \"lb-length\": {}, \
                     \"ln-length\": {}, \"fun-length\": {}, \"arg-length\": {}}}",
                    ip(*sid),
                    b.behavior,
                    b.lb_length,
                    b.ln_length,
                    b.fun_length,
                    b.arg_length
                );
            }
            SubTlv::SegmentList(list) => list.json(out),
            SubTlv::PolicyName { name, .. } => {
                json::key(out, "policy-name");
                json::string(out, name);
            }
            SubTlv::CandidatePathName { name, .. } => {
                json::key(out, "candidate-path-name");
                json::string(out, name);
            }
            SubTlv::Generic { kind, value } => {
                json::text(out, &format!("unknown-subtlv-{kind}"), hex(value));
            }
        }
    }

    fn text(&self, out: &mut String) {
        match self {
            SubTlv::Preference { preference, .. } => {
                let _ = write!(out, "preference {preference}");
            }
            SubTlv::BindingSid { label: None, .. } => out.push_str("binding-sid null"),
            SubTlv::BindingSid {
                label: Some(label), ..
            } => {
                let _ = write!(out, "binding-sid mpls {label}");
            }
            SubTlv::Priority(priority) => {
                let _ = write!(out, "priority {priority}");
            }
            SubTlv::Srv6BindingSid { sid, behavior, .. } => {
                let _ = write!(out, "srv6-binding-sid {}", ip(*sid));
                if let Some(b) = behavior {
                    let _ = write!(out, " endpoint-behavior {}", b.behavior);
                }
            }
            SubTlv::SegmentList(list) => list.text(out),
            SubTlv::PolicyName { name, .. } => {
                let _ = write!(out, "policy-name \"{name}\"");
            }
            SubTlv::CandidatePathName { name, .. } => {
                let _ = write!(out, "candidate-path-name \"{name}\"");
            }
            SubTlv::Generic { kind, value } => {
                let _ = write!(out, "subtlv-{kind} {}", hex(value));
            }
        }
    }
}

/// An address as ExaBGP prints it.
pub(crate) fn ip(address: Ipv6Addr) -> String {
    let mut out = String::new();
    crate::bgp::message::update::nlri::cidr::write_ip(&mut out, address.into());
    out
}

impl SrPolicyTunnel {
    pub fn decode(data: &[u8]) -> Result<SrPolicyTunnel, Malformed> {
        let subtlvs = subtlvs(data)?
            .into_iter()
            .map(|(kind, value)| SubTlv::decode(kind, value))
            .collect::<Result<_, _>>()?;
        Ok(SrPolicyTunnel { subtlvs })
    }

    pub fn encode(&self, out: &mut BytesMut) {
        self.subtlvs.iter().for_each(|s| s.encode(out));
    }

    /// `"sr-policy": {...}`: the sub-TLVs in order, then every segment list in
    /// `"segment-lists"`, as ExaBGP.
    pub fn json(&self, out: &mut String) {
        json::key(out, "sr-policy");
        out.push('{');
        let mut members = json::Members::new(out);
        for subtlv in self
            .subtlvs
            .iter()
            .filter(|s| !matches!(s, SubTlv::SegmentList(_)))
        {
            subtlv.json(members.next());
        }
        let mut lists = self
            .subtlvs
            .iter()
            .filter(|s| matches!(s, SubTlv::SegmentList(_)))
            .peekable();
        if lists.peek().is_some() {
            let out = members.next();
            json::key(out, "segment-lists");
            out.push('[');
            let mut items = json::Members::new(out);
            for list in lists {
                list.json(items.next());
            }
            out.push(']');
        }
        out.push('}');
    }

    pub fn text(&self, out: &mut String) {
        out.push_str("sr-policy {");
        for (i, subtlv) in self.subtlvs.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            subtlv.text(out);
        }
        out.push('}');
    }
}
