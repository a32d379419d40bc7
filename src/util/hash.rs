//! No ExaBGP file (Python's dict hashing is built in): the hash maps of the routes we announce
//! (adj-rib-out, its cache, the routes helpers announced, the configuration's interned
//! attribute sets, the daemon's compact copy of the configured routes, the API's index of its
//! peers, looked up for every message) use foldhash, seeded per process, instead of SipHash.

/// A `HashMap` with foldhash's per-process random seed; build it with `default()`.
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// A `HashSet` with foldhash's per-process random seed; build it with `default()`.
pub(crate) type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;
