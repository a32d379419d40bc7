//! exabgp-rs (and ExaBGP itself) as a BGP speaker under test: the configuration it is given,
//! in ExaBGP's syntax, and the process running it.
