//! Ports `exabgp/bgp/message/update/attribute/community/extended/flowspec_scope.py` and `interface-set` of `exabgp/configuration/flow/parser.py`: interface-set (draft-ietf-idr-flowspec-interfaceset §3).

use super::super::list_values;
use super::{ExtendedCommunities, ExtendedCommunity, SubType};
use std::fmt;

/// Interface-set, type 0x07 (0x47 non-transitive) sub-type 0x02:
/// `interface-set:input:1234:10`. Direction takes the top two bits of the last two bytes,
/// the group id the other fourteen.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct InterfaceSet {
    pub transitive: bool,
    pub asn: u32,
    /// 1 input, 2 output, 3 input-output.
    pub direction: u8,
    /// Fourteen bits.
    pub group_id: u16,
}

impl InterfaceSet {
    pub const GROUP_ID_MAX: u16 = (1 << 14) - 1;

    /// Parses one configuration value: `[transitive:|non-transitive:]direction:asn:group-id`.
    pub fn parse(data: &str) -> Result<InterfaceSet, String> {
        let parts: Vec<&str> = data.split(':').collect();
        let (transitive, direction, asn, group) = match parts.as_slice() {
            [trans, direction, asn, group] => {
                let transitive = match *trans {
                    "transitive" => true,
                    "non-transitive" => false,
                    other => {
                        return Err(format!(
                            "'{other}' is not a valid transitivity type\n  Valid options: transitive, non-transitive"
                        ))
                    }
                };
                (transitive, *direction, *asn, *group)
            }
            [direction, asn, group] => (true, *direction, *asn, *group),
            _ => {
                return Err(format!(
                    "'{data}' is not a valid interface-set\n  \
                     Format: <transitive|non-transitive>:<input|output|input-output>:<asn>:<group-id>\n  \
                     Or: <input|output|input-output>:<asn>:<group-id> (defaults to transitive)"
                ))
            }
        };
        if asn.contains('.') {
            return Err(format!(
                "'{asn}' is not a valid ASN\n  Must be a 32-bit integer (not dotted notation)"
            ));
        }
        let direction = match direction {
            "input" => 1,
            "output" => 2,
            "input-output" => 3,
            other => {
                return Err(format!(
                "'{other}' is not a valid direction\n  Valid options: input, output, input-output"
            ))
            }
        };
        let asn: u32 = asn
            .parse()
            .map_err(|_| format!("ASN {asn} is invalid\n  Must be 0 to 4294967295 (32 bits)"))?;
        let group_id = match group.parse::<u16>() {
            Ok(id) if id <= Self::GROUP_ID_MAX => id,
            _ => {
                return Err(format!(
                    "group-id {group} is invalid\n  Must be 0 to 16383 (14 bits)"
                ))
            }
        };
        Ok(InterfaceSet {
            transitive,
            asn,
            direction,
            group_id,
        })
    }

    /// Parses `interface-set [ ... ]` tokens into a sorted list, as ExaBGP.
    pub fn parse_list<'a>(
        tokens: impl IntoIterator<Item = &'a str>,
    ) -> Result<ExtendedCommunities, String> {
        let mut list = ExtendedCommunities::default();
        for value in list_values(tokens) {
            list.add(InterfaceSet::parse(value)?.to_community());
        }
        Ok(list)
    }
}

impl SubType for InterfaceSet {
    const NAME: &'static str = "interface-set";

    fn from_community(c: &ExtendedCommunity) -> Option<InterfaceSet> {
        (c.family() == (0x07, 0x02)).then(|| {
            let raw = u16::from_be_bytes([c.0[6], c.0[7]]);
            InterfaceSet {
                transitive: c.transitive(),
                asn: u32::from_be_bytes([c.0[2], c.0[3], c.0[4], c.0[5]]),
                direction: (raw >> 14) as u8,
                group_id: raw & Self::GROUP_ID_MAX,
            }
        })
    }

    fn to_community(&self) -> ExtendedCommunity {
        let [a0, a1, a2, a3] = self.asn.to_be_bytes();
        let raw = (u16::from(self.direction & 0x03) << 14) | (self.group_id & Self::GROUP_ID_MAX);
        let [t0, t1] = raw.to_be_bytes();
        let kind = if self.transitive { 0x07 } else { 0x47 };
        ExtendedCommunity::new(kind, 0x02, [a0, a1, a2, a3, t0, t1])
    }
}

impl fmt::Display for InterfaceSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("interface-set:")?;
        match self.direction {
            1 => f.write_str("input")?,
            2 => f.write_str("output")?,
            3 => f.write_str("input-output")?,
            other => write!(f, "{other}")?,
        }
        write!(f, ":{}:{}", self.asn, self.group_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_from_qa() {
        // interface-set [ non-transitive:input:3405770241:1 transitive:output:254:254 ] with discard
        let list = InterfaceSet::parse_list([
            "[",
            "non-transitive:input:3405770241:1",
            "transitive:output:254:254",
            "]",
        ])
        .unwrap();
        let mut json = String::new();
        list.json(&mut json);
        assert_eq!(
            json,
            "[ { \"value\": 504966108235596030, \"string\": \"interface-set:output:254:254\", \"transitive\": true }, \
             { \"value\": 5116875327204835329, \"string\": \"interface-set:input:3405770241:1\", \"transitive\": false } ]"
        );
        // interface-set:input-output:1234:10 = 504966108299837450
        let c = InterfaceSet::parse("input-output:1234:10")
            .unwrap()
            .to_community();
        assert_eq!(u64::from_be_bytes(c.0), 504966108299837450);
        assert_eq!(c.0, [0x07, 0x02, 0, 0, 0x04, 0xD2, 0xC0, 0x0A]);
        assert_eq!(
            InterfaceSet::decode(&c.0),
            Ok(InterfaceSet {
                transitive: true,
                asn: 1234,
                direction: 3,
                group_id: 10
            })
        );
        assert_eq!(
            ExtendedCommunity([0x07, 0x02, 0, 0, 0, 0, 0, 0]).to_string(),
            "interface-set:0:0:0"
        );
    }

    #[test]
    fn errors() {
        for bad in [
            "sideways:1:2",
            "input:1.2:3",
            "input:1:16384",
            "maybe:input:1:2",
            "input:4294967296:1",
            "input:1",
            "a:b:c:d:e",
        ] {
            assert!(InterfaceSet::parse(bad).is_err(), "{bad} should not parse");
        }
    }
}
