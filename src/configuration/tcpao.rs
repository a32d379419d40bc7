//! Ports `exabgp/configuration/tcpao.py`: the `tcp-ao { keyid; algorithm; password; base64; }`
//! section of a neighbour (RFC 5925).

use super::core::parser::{Node, Section};
use super::core::{Error, Result};
use crate::bgp::neighbor::TcpAo;

const ALGORITHMS: &[&str] = &["hmac-sha-1-96", "aes-128-cmac-96", "hmac-sha-256"];

pub fn parse(section: &Section) -> Result<TcpAo> {
    section.args().finish()?;
    let (mut keyid, mut algorithm, mut password, mut base64) = (None, None, None, false);
    for node in &section.body {
        let statement = match node {
            Node::Statement(statement) => statement,
            Node::Section(inner) => {
                return Err(Error::new(
                    inner.location(),
                    format!("unexpected section '{}' in tcp-ao", inner.keyword()),
                ))
            }
        };
        let mut words = statement.args();
        match statement.keyword() {
            "keyid" => keyid = Some(words.number::<u8>("a key id (0-255)")?),
            "algorithm" => {
                let expected = format!("an algorithm ({})", ALGORITHMS.join(", "));
                algorithm = Some(words.parse(&expected, |s| ALGORITHMS.contains(&s).then(|| s.to_string()))?);
            }
            "password" => password = Some(words.next("a password")?.to_string()),
            "base64" => base64 = words.boolean(true)?,
            other => {
                return Err(Error::new(
                    statement.location(),
                    format!("unknown statement '{other}' in tcp-ao: expected keyid, algorithm, password or base64"),
                ))
            }
        }
        words.finish()?;
    }
    let mut missing = Vec::new();
    if keyid.is_none() {
        missing.push("keyid");
    }
    if algorithm.is_none() {
        missing.push("algorithm");
    }
    if password.is_none() {
        missing.push("password");
    }
    match (keyid, algorithm, password) {
        (Some(keyid), Some(algorithm), Some(password)) => Ok(TcpAo {
            keyid,
            algorithm,
            password,
            base64,
        }),
        _ => Err(Error::new(
            section.location(),
            format!("incomplete tcp-ao, missing {}", missing.join(", ")),
        )),
    }
}
