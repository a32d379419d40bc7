//! Ports the output of `exabgp/reactor/api/command/rib.py` (`show adj-rib in|out`): one line
//! per route, as text (`IP FAMILY NLRI`, or with `extensive` the neighbour's name and the whole
//! route) or as JSON (`{"IP": {"routes": [{"family": ..., "prefix": ...}]}}`).
//!
//! ExaBGP writes one JSON object per chunk of `exabgp.api.chunk` routes (1 by default), and
//! with a larger chunk repeats the growing object after each route; here every route is one
//! object, which is ExaBGP's output with its default chunk.

use super::Routes;
use crate::bgp::message::update::nlri::Nlri;
use crate::bgp::neighbor::template::{self, CliData};
use crate::bgp::neighbor::Neighbor;
use crate::rib::Route;

/// Whether `show adj-rib ... inet|flow|l2vpn` lists `nlri` (ExaBGP's NLRI classes: labeled
/// and VPN prefixes are `INET` too).
pub fn listed(routes: Routes, nlri: &Nlri) -> bool {
    match routes {
        Routes::All => true,
        Routes::Inet => matches!(nlri, Nlri::Inet(_) | Nlri::Label(_) | Nlri::IpVpn(_)),
        Routes::Flow => matches!(nlri, Nlri::Flow(_)),
        Routes::L2vpn => matches!(nlri, Nlri::Vpls(_) | Nlri::Evpn(_)),
    }
}

/// ExaBGP's `Route.extensive()`: the NLRI, its next-hop, then its attributes.
pub fn extensive(route: &Route) -> String {
    let mut out = route.nlri.to_string();
    if let Some(nexthop) = route.nexthop {
        out.push_str(&format!(" next-hop {nexthop}"));
    }
    out.push_str(&crate::reactor::api::response::text::attributes(
        &route.attributes,
    ));
    out
}

/// A route as `show adj-rib` text: `IP FAMILY NLRI`, or `NAME FAMILY ROUTE` when extensive.
pub fn text(neighbor: &Neighbor, route: &Route, extensive_view: bool) -> String {
    let family = route.nlri.family();
    if extensive_view {
        format!("{} {family} {}", template::name(neighbor), extensive(route))
    } else {
        format!("{} {family} {}", neighbor.peer_address, route.nlri)
    }
}

/// A route as `show adj-rib ... json`; with `extensive`, the neighbour's extensive table
/// entries follow the routes, as ExaBGP adds them.
pub fn json(neighbor: &Neighbor, route: &Route, extensive: Option<&CliData>) -> String {
    let mut out = String::from("{");
    crate::util::json::string(&mut out, &neighbor.peer_address.to_string());
    out.push_str(": {\"routes\": [{\"family\": ");
    crate::util::json::string(&mut out, &route.nlri.family().to_string());
    let prefix = match &route.nlri {
        Nlri::Inet(inet) => Some(inet.cidr.to_string()),
        Nlri::Label(label) => Some(label.cidr.to_string()),
        Nlri::IpVpn(vpn) => Some(vpn.cidr.to_string()),
        _ => None,
    };
    match prefix {
        Some(prefix) => {
            out.push_str(", \"prefix\": ");
            crate::util::json::string(&mut out, &prefix);
        }
        None => {
            out.push_str(", \"nlri\": ");
            crate::util::json::string(&mut out, &route.nlri.to_string());
        }
    }
    out.push_str("}]");
    if let Some(data) = extensive {
        out.push_str(", ");
        data.formated_json(&mut out);
    }
    out.push_str("}}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bgp::message::update::attribute::{Attribute, Attributes, Med, Origin};
    use crate::bgp::message::update::nlri::{Cidr, Inet, PathInfo};
    use crate::protocol::family::Family;
    use std::sync::Arc;

    fn route() -> Route {
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::Med(Med(20)));
        attributes.insert(Attribute::Origin(Origin::IGP));
        let cidr = Cidr::new("10.2.0.0".parse().unwrap(), 24).unwrap();
        Route::new(
            Nlri::Inet(Inet::new(Family::IPV4_UNICAST, cidr, PathInfo::Disabled)),
            Some("127.0.0.2".parse().unwrap()),
            Arc::new(attributes),
        )
    }

    fn neighbor() -> Neighbor {
        let mut neighbor = Neighbor::new("127.0.0.2".parse().unwrap());
        neighbor.local_address = Some("127.0.0.1".parse().unwrap());
        neighbor.local_as = 65001;
        neighbor.peer_as = 65002;
        neighbor.router_id = Some("10.0.0.1".parse().unwrap());
        neighbor
    }

    #[test]
    fn text_lines_as_exabgp() {
        assert_eq!(
            text(&neighbor(), &route(), false),
            "127.0.0.2 ipv4 unicast 10.2.0.0/24"
        );
        // attributes in code order, whatever order they were added in
        assert_eq!(
            text(&neighbor(), &route(), true),
            "neighbor 127.0.0.2 local-ip 127.0.0.1 local-as 65001 peer-as 65002 router-id 10.0.0.1 \
             family-allowed in-open ipv4 unicast 10.2.0.0/24 next-hop 127.0.0.2 origin igp med 20"
        );
    }

    #[test]
    fn json_lines_as_exabgp() {
        let line = json(&neighbor(), &route(), None);
        assert_eq!(
            line,
            r#"{"127.0.0.2": {"routes": [{"family": "ipv4 unicast", "prefix": "10.2.0.0/24"}]}}"#
        );
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["127.0.0.2"]["routes"][0]["prefix"], "10.2.0.0/24");
    }

    #[test]
    fn route_kinds() {
        assert!(listed(Routes::Inet, &route().nlri));
        assert!(listed(Routes::All, &route().nlri));
        assert!(!listed(Routes::Flow, &route().nlri));
        assert!(!listed(Routes::L2vpn, &route().nlri));
    }
}
