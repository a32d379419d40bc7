//! Ports `exabgp/bgp/message/open/capability/refresh.py`: route refresh (RFC 2918 §3, Cisco's pre-standard
//! code 128) and enhanced route refresh (RFC 7313 §3) capabilities. Both carry no value.

use super::CapabilityCode;
use std::fmt;

/// Route refresh, standard (code 2) or Cisco's (code 128).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct RouteRefresh {
    pub cisco: bool,
}

impl RouteRefresh {
    pub fn code(&self) -> u8 {
        if self.cisco {
            CapabilityCode::ROUTE_REFRESH_CISCO
        } else {
            CapabilityCode::ROUTE_REFRESH
        }
    }

    pub fn json(&self, out: &mut String) {
        out.push_str(if self.cisco {
            "{ \"name\": \"route-refresh\", \"variant\": \"Cisco\" }"
        } else {
            "{ \"name\": \"route-refresh\", \"variant\": \"RFC\" }"
        });
    }
}

/// Enhanced route refresh (code 70).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct EnhancedRouteRefresh;

impl EnhancedRouteRefresh {
    pub fn json(&self, out: &mut String) {
        out.push_str("{ \"name\": \"enhanced-route-refresh\" }");
    }
}

/// ExaBGP's `__str__`: `Route Refresh`, or `Cisco Route Refresh` for code 128.
impl fmt::Display for RouteRefresh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.cisco {
            "Cisco Route Refresh"
        } else {
            "Route Refresh"
        })
    }
}

/// ExaBGP's `__str__`.
impl fmt::Display for EnhancedRouteRefresh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Enhanced Route Refresh")
    }
}
