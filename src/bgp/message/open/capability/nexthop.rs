//! Ports `exabgp/bgp/message/open/capability/nexthop.py`: Extended Next Hop Encoding capability (RFC 8950 §3).

use super::{family, malformed};
use crate::bgp::message::reader::Reader;
use crate::bgp::message::Notification;
use crate::protocol::family::{Afi, Family};
use std::fmt;

/// (NLRI family, next-hop AFI) pairs.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct NextHop(pub Vec<(Family, Afi)>);

impl NextHop {
    pub fn decode(data: &[u8]) -> Result<NextHop, Notification> {
        let mut nh = NextHop::default();
        nh.merge(data)?;
        Ok(nh)
    }

    /// Adds the entries of one more TLV (AFI 2, SAFI 2, next-hop AFI 2); duplicates are ignored.
    pub fn merge(&mut self, data: &[u8]) -> Result<(), Notification> {
        if data.len() % 6 != 0 {
            return Err(malformed(format!(
                "NextHop capability truncated: need 6 bytes per entry, got {}",
                data.len() % 6
            )));
        }
        let mut r = Reader::new(data);
        // the SAFI takes two bytes here; ExaBGP reads the low one
        while let (Some(afi), Some(_), Some(safi), Some(nexthop)) =
            (r.u16(), r.u8(), r.u8(), r.u16())
        {
            let entry = (family(Afi(afi), safi), Afi(nexthop));
            if !self.0.contains(&entry) {
                self.0.push(entry);
            }
        }
        Ok(())
    }

    pub fn value(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.0.len() * 6);
        for (f, nh) in &self.0 {
            out.extend_from_slice(&f.afi.0.to_be_bytes());
            out.push(0);
            out.push(f.safi.0);
            out.extend_from_slice(&nh.0.to_be_bytes());
        }
        out
    }

    pub fn json(&self, out: &mut String) {
        out.push_str("{ \"name\": \"nexthop\", \"conversion\": [");
        for (i, (f, nh)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&format!(
                " \"{}/{}/{}\"",
                f.afi.name(),
                f.safi.name(),
                nh.name()
            ));
        }
        out.push_str(" ] }");
    }
}

/// ExaBGP's `__str__`: `NextHop(ipv4 unicast ipv6,ipv4 mpls-vpn ipv6)`.
impl fmt::Display for NextHop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pairs: Vec<String> = self
            .0
            .iter()
            .map(|(family, nexthop)| format!("{} {nexthop}", family.name()))
            .collect();
        write!(f, "NextHop({})", pairs.join(","))
    }
}
