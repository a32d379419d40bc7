//! Ports `exabgp/bgp/message/update/nlri/qualifier/path.py`: the ADD-PATH path identifier (RFC 7911 §3).

use crate::bgp::message::reader::Reader;
use crate::util::json;
use bytes::{BufMut, BytesMut};
use std::fmt::Write;

/// The path identifier carried before an NLRI when ADD-PATH is negotiated for its family.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub enum PathInfo {
    /// ADD-PATH is not in use for this NLRI: nothing on the wire, nothing in JSON.
    #[default]
    Disabled,
    /// A path identifier (0 when ADD-PATH is used without a specific one: ExaBGP's NOPATH).
    Id(u32),
}

impl PathInfo {
    /// Bytes on the wire.
    pub const LEN: usize = 4;

    /// Reads the identifier at the front of `data` when ADD-PATH receive is negotiated for the
    /// family (RFC 7911 §3): the path information and the bytes it took, `None` when `data` is
    /// too short for it.
    pub fn decode(data: &[u8], addpath: bool) -> Option<(PathInfo, usize)> {
        if !addpath {
            return Some((PathInfo::Disabled, 0));
        }
        let id = Reader::new(data).u32()?;
        Some((PathInfo::Id(id), PathInfo::LEN))
    }

    /// Writes the identifier when ADD-PATH send is negotiated: four zero bytes when none was set.
    pub fn encode(self, send: bool, out: &mut BytesMut) {
        if send {
            out.put_u32(match self {
                PathInfo::Disabled => 0,
                PathInfo::Id(id) => id,
            });
        }
    }

    /// ExaBGP's text: ` path-information 0.0.0.1`, nothing when disabled.
    pub fn text(self, out: &mut String) {
        if let PathInfo::Id(id) = self {
            let [a, b, c, d] = id.to_be_bytes();
            let _ = write!(out, " path-information {a}.{b}.{c}.{d}");
        }
    }

    /// ExaBGP prints the identifier as a dotted quad: `"path-information": "0.0.0.1"`.
    /// Writes nothing when disabled; returns whether it wrote.
    pub fn json(self, out: &mut String) -> bool {
        match self {
            PathInfo::Disabled => false,
            PathInfo::Id(id) => {
                json::text(out, "path-information", std::net::Ipv4Addr::from(id));
                true
            }
        }
    }
}
