//! Ports `exabgp/bgp/message/open/capability/mp.py`: Multiprotocol Extensions capability (RFC 4760 §8).

use super::{family, fixed, slash};
use crate::bgp::message::reader::Reader;
use crate::bgp::message::Notification;
use crate::protocol::family::{Afi, Family};
use std::fmt;

/// The families announced, one capability TLV each on the wire.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct MultiProtocol(pub Vec<Family>);

impl MultiProtocol {
    pub fn decode(data: &[u8]) -> Result<MultiProtocol, Notification> {
        let mut mp = MultiProtocol::default();
        mp.merge(data)?;
        Ok(mp)
    }

    /// Adds the family of one more TLV (AFI, reserved byte, SAFI); duplicates are ignored.
    pub fn merge(&mut self, data: &[u8]) -> Result<(), Notification> {
        // RFC 4760 §8: AFI, reserved byte, SAFI
        fixed("MultiProtocol", data, 4)?;
        let mut r = Reader::new(data);
        if let (Some(afi), Some(_reserved), Some(safi)) = (r.u16(), r.u8(), r.u8()) {
            let f = family(Afi(afi), safi);
            if !self.0.contains(&f) {
                self.0.push(f);
            }
        }
        Ok(())
    }

    pub fn values(&self) -> Vec<Vec<u8>> {
        self.0
            .iter()
            .map(|f| {
                let afi = f.afi.0.to_be_bytes();
                vec![afi[0], afi[1], 0, f.safi.0]
            })
            .collect()
    }

    pub fn json(&self, out: &mut String) {
        out.push_str("{ \"name\": \"multiprotocol\", \"families\": [");
        for (i, f) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(" \"");
            out.push_str(&slash(*f));
            out.push('"');
        }
        out.push_str(" ] }");
    }
}

/// ExaBGP's `__str__`: `Multiprotocol(ipv4 unicast,ipv6 unicast)`.
impl fmt::Display for MultiProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let families: Vec<String> = self.0.iter().map(|family| family.name()).collect();
        write!(f, "Multiprotocol({})", families.join(","))
    }
}
