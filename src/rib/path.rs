//! What routes announced together share: a next-hop and an attribute set (ExaBGP keeps both on
//! each `Route` of `rib/route.py`; here one copy is interned per adj-rib-out, RFC 4271 §9.2's
//! "routes with the same path attributes" made literal), and whether a helper announced them.
//!
//! A queued or sent route then costs one pointer for both, instead of a 17-byte next-hop padded
//! to 24 plus a pointer: at a million routes that is about 50 MB less per map holding them.

use crate::util::hash::HashSet;
use std::hash::{Hash, Hasher};
use std::net::IpAddr;
use std::sync::Arc;

/// A next-hop with an interned attribute set.
#[derive(Debug)]
pub struct Path<A> {
    pub nexthop: Option<IpAddr>,
    pub attributes: Arc<A>,
    /// A helper announced the routes (not the configuration): they outlive a restart of the
    /// peer on reload, as ExaBGP's cache keeps them. Fits in the next-hop's padding.
    pub api: bool,
}

/// Equal and hashed by the attribute set's address: the sets are interned first, so equal
/// sets are the same allocation, and content is never hashed twice.
impl<A> PartialEq for Path<A> {
    fn eq(&self, other: &Path<A>) -> bool {
        self.nexthop == other.nexthop
            && self.api == other.api
            && Arc::ptr_eq(&self.attributes, &other.attributes)
    }
}

impl<A> Eq for Path<A> {}

impl<A> Hash for Path<A> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.nexthop.hash(state);
        self.api.hash(state);
        Arc::as_ptr(&self.attributes).hash(state);
    }
}

/// The interned attribute sets and paths of one adj-rib-out.
#[derive(Debug)]
pub(crate) struct Paths<A> {
    attributes: HashSet<Arc<A>>,
    paths: HashSet<Arc<Path<A>>>,
    /// The last path handed out: routes come in runs sharing one (a configuration's, a
    /// helper's), so most lookups hash nothing.
    last: Option<Arc<Path<A>>>,
}

impl<A> Default for Paths<A> {
    fn default() -> Paths<A> {
        Paths {
            attributes: HashSet::default(),
            paths: HashSet::default(),
            last: None,
        }
    }
}

impl<A: Eq + Hash> Paths<A> {
    /// The shared copy of `attributes`: routes with equal attributes share one allocation.
    fn intern(&mut self, attributes: Arc<A>) -> Arc<A> {
        if let Some(last) = &self.last {
            if Arc::ptr_eq(&last.attributes, &attributes) {
                return attributes;
            }
        }
        if let Some(existing) = self.attributes.get(&attributes) {
            return Arc::clone(existing);
        }
        self.attributes.insert(Arc::clone(&attributes));
        attributes
    }

    /// The shared path of `nexthop` and `attributes`, from a helper if `api`.
    pub(crate) fn path(
        &mut self,
        nexthop: Option<IpAddr>,
        attributes: Arc<A>,
        api: bool,
    ) -> Arc<Path<A>> {
        if let Some(last) = &self.last {
            if last.nexthop == nexthop
                && last.api == api
                && Arc::ptr_eq(&last.attributes, &attributes)
            {
                return Arc::clone(last);
            }
        }
        let attributes = self.intern(attributes);
        let path = Path {
            nexthop,
            attributes,
            api,
        };
        let path = match self.paths.get(&path) {
            Some(existing) => Arc::clone(existing),
            None => {
                let path = Arc::new(path);
                self.paths.insert(Arc::clone(&path));
                path
            }
        };
        self.last = Some(Arc::clone(&path));
        path
    }

    /// Number of paths interned (used or not since the last sweep); there are at most as
    /// many attribute sets, each interned with a path.
    pub(crate) fn len(&self) -> usize {
        self.paths.len()
    }

    /// Number of attribute sets interned.
    #[cfg(test)]
    pub(crate) fn attribute_sets(&self) -> usize {
        self.attributes.len()
    }

    /// Forgets the paths and attribute sets nothing else refers to.
    pub(crate) fn sweep(&mut self) {
        self.last = None;
        // paths first: each holds its attribute set
        self.paths.retain(|p| Arc::strong_count(p) > 1);
        self.attributes.retain(|a| Arc::strong_count(a) > 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_attributes_and_next_hops_share_one_path() {
        let mut paths: Paths<u32> = Paths::default();
        let nexthop = Some("192.0.2.1".parse().unwrap());
        let a = paths.path(nexthop, Arc::new(1), false);
        let b = paths.path(nexthop, Arc::new(1), false);
        assert!(Arc::ptr_eq(&a, &b), "equal content, separate allocations");
        let other = paths.path(Some("192.0.2.2".parse().unwrap()), Arc::new(1), false);
        assert!(!Arc::ptr_eq(&a, &other));
        assert!(
            Arc::ptr_eq(&a.attributes, &other.attributes),
            "the set is shared across next-hops"
        );
        let c = paths.path(nexthop, Arc::new(2), false);
        let d = paths.path(nexthop, Arc::new(1), false);
        assert!(!Arc::ptr_eq(&a, &c));
        assert!(
            Arc::ptr_eq(&a, &d),
            "found again once the last path is another"
        );
    }

    #[test]
    fn sweep_forgets_only_what_nothing_holds() {
        let mut paths: Paths<u32> = Paths::default();
        let kept = paths.path(None, Arc::new(1), false);
        drop(paths.path(None, Arc::new(2), false));
        paths.sweep();
        assert_eq!(paths.attribute_sets(), 1);
        assert!(Arc::ptr_eq(&kept, &paths.path(None, Arc::new(1), false)));
    }
}
