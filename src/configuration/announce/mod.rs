//! Ports `exabgp/configuration/announce/__init__.py` (and ip.py, label.py, vpn.py, path.py):
//! `announce { ipv4 { unicast ...; } ipv6 { ... } l2vpn { vpls ...; } }`.

pub mod mup;
pub mod mvpn;

use super::core::parser::{Node, Section};
use super::core::{Error, Result};
use super::flow::FlowRoute;
use super::r#static::route::Route;
use crate::protocol::family::{Afi, Safi};

/// Parses an `announce` section into routes.
pub fn parse(section: &Section, routes: &mut Vec<Route>, flows: &mut Vec<FlowRoute>) -> Result<()> {
    section.args().finish()?;
    for node in &section.body {
        let inner = match node {
            Node::Section(inner) => inner,
            Node::Statement(statement) => {
                return Err(Error::new(
                    statement.location(),
                    format!("unexpected statement '{}' in announce: expected an ipv4, ipv6 or l2vpn section", statement.keyword()),
                ))
            }
        };
        inner.args().finish()?;
        let afi = match inner.keyword() {
            "ipv4" => Afi::IPV4,
            "ipv6" => Afi::IPV6,
            "l2vpn" => Afi::L2VPN,
            other => {
                return Err(Error::new(
                    inner.location(),
                    format!("unknown section '{other}' in announce: expected ipv4, ipv6 or l2vpn"),
                ))
            }
        };
        for node in &inner.body {
            let statement = match node {
                Node::Statement(statement) => statement,
                Node::Section(nested) => {
                    return Err(Error::new(
                        nested.location(),
                        format!("unexpected section '{}' in announce", nested.keyword()),
                    ))
                }
            };
            let mut words = statement.args();
            let at = statement.location();
            let route = match (afi, statement.keyword()) {
                (Afi::L2VPN, "vpls") => super::l2vpn::vpls(&mut words, at)?,
                (Afi::L2VPN, other) => {
                    return Err(Error::new(at, format!("unknown l2vpn announcement '{other}': expected vpls")))
                }
                (_, "unicast" | "multicast" | "nlri-mpls" | "labeled-unicast" | "mpls-vpn") => {
                    let safi = match statement.keyword() {
                        "unicast" => Safi::UNICAST,
                        "multicast" => Safi::MULTICAST,
                        "mpls-vpn" => Safi::MPLS_VPN,
                        _ => Safi::NLRI_MPLS,
                    };
                    let route = super::r#static::ip_route(&mut words, at, Some(safi))?;
                    if route.prefix.is_some_and(|(ip, _)| ip.is_ipv4() != (afi == Afi::IPV4)) {
                        return Err(Error::new(at, format!("the prefix is not an {} prefix", afi.name())));
                    }
                    route
                }
                (_, "flow" | "flow-vpn") => {
                    let safi = if statement.keyword() == "flow" { Safi::FLOW_IP } else { Safi::FLOW_VPN };
                    flows.push(super::flow::announce(&mut words, at, afi, safi)?);
                    continue;
                }
                (_, "mup") => mup::parse(&mut words, at, afi)?,
                (_, "mcast-vpn") => mvpn::parse(&mut words, at, afi)?,
                (_, "sr-policy") => super::r#static::sr_policy::parse(&mut words, at, Some(afi))?,
                (_, other) => {
                    return Err(Error::new(
                        at,
                        format!(
                            "unknown {} announcement '{other}': expected unicast, multicast, nlri-mpls, labeled-unicast, \
                             mpls-vpn, mcast-vpn, mup, sr-policy, flow or flow-vpn",
                            afi.name()
                        ),
                    ))
                }
            };
            routes.push(route);
        }
    }
    Ok(())
}
