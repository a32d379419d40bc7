//! Ports the address management of `exabgp/application/healthcheck.py` (`system_ips`,
//! `setup_ips`, `remove_ips`, `ip_ifname`): the service IPs found on, added to and removed from the
//! loopback (or the `--ip-ifname` interface) with the `ip` command (Linux's iproute2).

use std::collections::BTreeSet;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::process::{Command, Stdio};

/// An IP network as Python's `ip_network` reads it (strict: no host bits set), shown `addr/len`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IpNetwork {
    pub address: IpAddr,
    pub length: u8,
}

/// Most addresses one network may stand for when every address is set up: ExaBGP would try to
/// list a whole IPv6 /64 and never finish.
const MAX_ADDRESSES: u128 = 65536;

impl IpNetwork {
    /// Reads `address` or `address/length`; refuses host bits, as `ip_network` does.
    pub fn parse(text: &str) -> Result<IpNetwork, String> {
        let (address, length) = match text.split_once('/') {
            Some((address, length)) => (address, Some(length)),
            None => (text, None),
        };
        let address: IpAddr = address
            .parse()
            .map_err(|_| format!("'{text}' does not appear to be an IPv4 or IPv6 network"))?;
        let width = match address {
            IpAddr::V4(_) => 32,
            IpAddr::V6(_) => 128,
        };
        let length = match length {
            None => width,
            Some(length) => match length.parse::<u8>() {
                Ok(value) if value <= width && length.bytes().all(|b| b.is_ascii_digit()) => value,
                _ => return Err(format!("'{text}': invalid prefix length")),
            },
        };
        let network = IpNetwork { address, length };
        if network.first() != bits(address) {
            return Err(format!("{text} has host bits set"));
        }
        Ok(network)
    }

    fn width(&self) -> u8 {
        match self.address {
            IpAddr::V4(_) => 32,
            IpAddr::V6(_) => 128,
        }
    }

    fn host_mask(&self) -> u128 {
        let host_bits = u32::from(self.width() - self.length);
        1u128.checked_shl(host_bits).map_or(u128::MAX, |v| v - 1)
    }

    fn first(&self) -> u128 {
        bits(self.address) & !self.host_mask()
    }

    /// Python's `is_loopback` for a network: both ends inside 127.0.0.0/8, or exactly `::1`.
    pub fn is_loopback(&self) -> bool {
        let last = self.first() | self.host_mask();
        match self.address {
            IpAddr::V4(_) => self.first() >> 24 == 127 && last >> 24 == 127,
            IpAddr::V6(_) => self.length == 128 && self.address == IpAddr::V6(Ipv6Addr::LOCALHOST),
        }
    }

    /// Every address of the network, each as a host network (`for ip in net` in Python).
    pub fn addresses(&self) -> Result<Vec<IpNetwork>, String> {
        let count = self.host_mask().saturating_add(1);
        if count > MAX_ADDRESSES {
            return Err(format!(
                "{self} holds more than {MAX_ADDRESSES} addresses, too many to handle one by one"
            ));
        }
        let first = self.first();
        Ok((0..count)
            .map(|offset| IpNetwork {
                address: from_bits(self.address, first + offset),
                length: self.width(),
            })
            .collect())
    }
}

fn bits(address: IpAddr) -> u128 {
    match address {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

fn from_bits(family: IpAddr, value: u128) -> IpAddr {
    match family {
        // The value came from an IPv4 network, it fits 32 bits.
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::from(value as u32)),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::from(value)),
    }
}

impl fmt::Display for IpNetwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.length)
    }
}

/// Which of the addresses listed by `ip -o address show` count (ExaBGP's `system_ips`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection<'a> {
    pub label: Option<&'a str>,
    /// Only labelled addresses (used before removing: never remove what we did not add).
    pub label_only: bool,
    pub label_exact_match: bool,
}

/// Reads the lines of `ip -o address show dev IFNAME` for the interfaces `ifnames`: the
/// non-loopback addresses whose label (`lo:LABEL`) matches when a label is asked for.
pub fn parse_addresses(
    output: &str,
    ifnames: &BTreeSet<String>,
    selection: &Selection,
) -> Vec<IpNetwork> {
    let mut addresses = Vec::new();
    for line in output.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        // "1: lo    inet 10.0.0.1/32 scope global lo:web\  valid_lft ..."
        let [index, _name, family, cidr, _next, ..] = words.as_slice() else {
            continue;
        };
        let index_ok = index
            .strip_suffix(':')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if !index_ok || !matches!(*family, "inet" | "inet6") {
            continue;
        }
        let Some((address, _)) = cidr.split_once('/') else {
            continue;
        };
        if !address
            .bytes()
            .all(|b| b.is_ascii_digit() || b"abcdef.:".contains(&b))
        {
            continue;
        }
        let Ok(network) = IpNetwork::parse(cidr) else {
            continue;
        };
        if network.is_loopback() {
            continue;
        }
        match selection.label {
            Some(wanted) => {
                let Some(found) = label(&words[4..], ifnames) else {
                    continue;
                };
                let matched = if selection.label_exact_match {
                    found == wanted
                } else {
                    found.starts_with(wanted)
                };
                if matched {
                    addresses.push(network);
                }
            }
            None => addresses.push(network),
        }
    }
    addresses
}

/// The last `IFNAME:LABEL` word of a line, its label cut at a backslash.
fn label<'a>(words: &[&'a str], ifnames: &BTreeSet<String>) -> Option<&'a str> {
    words.iter().rev().find_map(|word| {
        ifnames.iter().find_map(|ifname| {
            let rest = word.strip_prefix(ifname.as_str())?.strip_prefix(':')?;
            let label = rest.split('\\').next().unwrap_or_default();
            (!label.is_empty()).then_some(label)
        })
    })
}

/// The interface an address goes on: its `--ip-ifname`, else the loopback.
pub fn interface(ip: &IpNetwork, ip_ifnames: &[(IpNetwork, String)]) -> String {
    ip_ifnames
        .iter()
        .find(|(network, _)| network == ip)
        .map(|(_, ifname)| ifname.clone())
        .unwrap_or_else(|| {
            if cfg!(target_os = "linux") {
                "lo"
            } else {
                "lo0"
            }
            .to_string()
        })
}

/// The addresses currently on the loopback and the `--ip-ifname` interfaces.
pub fn system_ips(ip_ifnames: &[(IpNetwork, String)], selection: &Selection) -> Vec<IpNetwork> {
    let mut ifnames: BTreeSet<String> = ip_ifnames.iter().map(|(_, name)| name.clone()).collect();
    ifnames.insert("lo".into());
    let mut output = String::new();
    for ifname in &ifnames {
        let listed = Command::new("ip")
            .args(["-o", "address", "show", "dev", ifname])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output();
        if let Ok(listed) = listed {
            output.push_str(&String::from_utf8_lossy(&listed.stdout));
        }
    }
    parse_addresses(&output, &ifnames, selection)
}

/// The `ip address add|delete` command for one address.
pub fn address_command(
    add: bool,
    ip: &IpNetwork,
    ifname: &str,
    label: Option<&str>,
    sudo: bool,
) -> Vec<String> {
    let mut command: Vec<String> = Vec::new();
    if sudo {
        command.push("sudo".into());
    }
    let verb = if add { "add" } else { "delete" };
    for word in ["ip", "address", verb, &ip.to_string(), "dev", ifname] {
        command.push(word.to_string());
    }
    if let Some(label) = label {
        command.push("label".into());
        command.push(format!("{ifname}:{label}"));
    }
    command
}

fn run_quietly(command: &[String]) -> std::io::Result<std::process::ExitStatus> {
    Command::new(&command[0])
        .args(&command[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
}

/// What the address management needs from the options.
#[derive(Clone, Copy, Debug)]
pub struct Management<'a> {
    pub ips: &'a [IpNetwork],
    pub ip_ifnames: &'a [(IpNetwork, String)],
    pub label: Option<&'a str>,
    pub label_exact_match: bool,
    pub sudo: bool,
}

/// Status `ip address add` exits with when the address is already there.
const IP_ADD_EXISTS: i32 = 2;

impl Management<'_> {
    fn wanted(&self) -> Result<BTreeSet<IpNetwork>, String> {
        let mut wanted = BTreeSet::new();
        for network in self.ips {
            wanted.extend(network.addresses()?);
        }
        Ok(wanted)
    }

    /// Adds every address of `ips` not yet on its interface; an address that turns out to be there
    /// already (status 2) is fine.
    pub fn setup(&self, log: &super::log::Logger) -> Result<(), String> {
        let selection = Selection {
            label: self.label,
            label_only: false,
            label_exact_match: self.label_exact_match,
        };
        let existing: BTreeSet<IpNetwork> = system_ips(self.ip_ifnames, &selection)
            .into_iter()
            .collect();
        for ip in self.wanted()?.difference(&existing) {
            let ifname = interface(ip, self.ip_ifnames);
            log.debug(&format!("Setup {ifname} IP address {ip}"));
            let command = address_command(true, ip, &ifname, self.label, self.sudo);
            let status =
                run_quietly(&command).map_err(|error| format!("{}: {error}", command.join(" ")))?;
            if !status.success() && status.code() != Some(IP_ADD_EXISTS) {
                return Err(format!("'{}' failed with {status}", command.join(" ")));
            }
        }
        Ok(())
    }

    /// Removes the addresses of `ips` present with our label (all of them without a label).
    pub fn remove(&self, log: &super::log::Logger) {
        let selection = Selection {
            label: self.label,
            label_only: true,
            label_exact_match: self.label_exact_match,
        };
        let existing: BTreeSet<IpNetwork> = system_ips(self.ip_ifnames, &selection)
            .into_iter()
            .collect();
        let wanted = match self.wanted() {
            Ok(wanted) => wanted,
            Err(error) => return log.warning(&error),
        };
        for ip in wanted.intersection(&existing) {
            let ifname = interface(ip, self.ip_ifnames);
            log.debug(&format!("Remove {ifname} IP address {ip}"));
            let command = address_command(false, ip, &ifname, self.label, self.sudo);
            if !run_quietly(&command).is_ok_and(|status| status.success()) {
                log.warning(&format!(
                    "Unable to remove {ifname} IP address {ip} - is healthcheck running as root?"
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(text: &str) -> IpNetwork {
        IpNetwork::parse(text).unwrap()
    }

    #[test]
    fn networks_are_strict_like_ip_network() {
        assert_eq!(net("192.0.2.1").to_string(), "192.0.2.1/32");
        assert_eq!(net("10.0.0.0/24").to_string(), "10.0.0.0/24");
        assert_eq!(net("2001:db8::1").to_string(), "2001:db8::1/128");
        assert!(IpNetwork::parse("10.0.0.1/24").is_err(), "host bits");
        assert!(IpNetwork::parse("10.0.0.0/33").is_err());
        assert!(IpNetwork::parse("10.0.0.0/+8").is_err());
        assert!(IpNetwork::parse("web").is_err());
        assert_eq!(net("0.0.0.0/0").to_string(), "0.0.0.0/0");
    }

    #[test]
    fn addresses_of_a_network() {
        let all: Vec<String> = net("192.0.2.0/30")
            .addresses()
            .unwrap()
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(
            all,
            [
                "192.0.2.0/32",
                "192.0.2.1/32",
                "192.0.2.2/32",
                "192.0.2.3/32"
            ]
        );
        assert_eq!(net("2001:db8::/127").addresses().unwrap().len(), 2);
        assert!(net("2001:db8::/64").addresses().is_err());
    }

    #[test]
    fn loopback() {
        assert!(net("127.0.0.1").is_loopback());
        assert!(net("127.0.0.0/8").is_loopback());
        assert!(!net("0.0.0.0/0").is_loopback());
        assert!(net("::1").is_loopback());
        assert!(!net("192.0.2.1").is_loopback());
    }

    const IP_OUTPUT: &str = "\
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
1: lo    inet 192.0.2.1/32 scope global lo:web1\\       valid_lft forever preferred_lft forever
1: lo    inet 192.0.2.2/32 scope global lo:webmail\\       valid_lft forever preferred_lft forever
1: lo    inet 192.0.2.3/32 scope global lo\\       valid_lft forever preferred_lft forever
1: lo    inet 198.51.100.7/24 scope global lo\\       valid_lft forever preferred_lft forever
1: lo    inet6 2001:db8::5/128 scope global \\       valid_lft forever preferred_lft forever
1: lo    inet6 ::1/128 scope host noprefixroute \\       valid_lft forever preferred_lft forever
";

    fn shown(addresses: Vec<IpNetwork>) -> Vec<String> {
        addresses.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn system_addresses_from_ip_output() {
        let lo: BTreeSet<String> = ["lo".to_string()].into();
        let any = Selection {
            label: None,
            label_only: false,
            label_exact_match: false,
        };
        // Loopback and host-bit addresses (198.51.100.7/24) are skipped, as ExaBGP does.
        assert_eq!(
            shown(parse_addresses(IP_OUTPUT, &lo, &any)),
            [
                "192.0.2.1/32",
                "192.0.2.2/32",
                "192.0.2.3/32",
                "2001:db8::5/128"
            ]
        );
        let prefix = Selection {
            label: Some("web"),
            label_only: false,
            label_exact_match: false,
        };
        assert_eq!(
            shown(parse_addresses(IP_OUTPUT, &lo, &prefix)),
            ["192.0.2.1/32", "192.0.2.2/32"]
        );
        let exact = Selection {
            label: Some("web1"),
            label_only: true,
            label_exact_match: true,
        };
        assert_eq!(
            shown(parse_addresses(IP_OUTPUT, &lo, &exact)),
            ["192.0.2.1/32"]
        );
    }

    #[test]
    fn ip_commands() {
        let ip = net("192.0.2.1");
        assert_eq!(
            address_command(true, &ip, "lo", Some("web"), false).join(" "),
            "ip address add 192.0.2.1/32 dev lo label lo:web"
        );
        assert_eq!(
            address_command(false, &ip, "eth0", None, true).join(" "),
            "sudo ip address delete 192.0.2.1/32 dev eth0"
        );
        let ifnames = vec![(ip, "eth0".to_string())];
        assert_eq!(interface(&ip, &ifnames), "eth0");
        assert_eq!(interface(&net("192.0.2.9"), &ifnames), "lo");
    }
}
