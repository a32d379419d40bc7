//! exabgp-rs only (ExaBGP slices and `unpack`s in place): checked big-endian reads for the decoders.

/// Reads network-order integers and sub-slices from the front of a byte slice.
///
/// Every read returns `None`, and consumes nothing, when fewer bytes remain than it needs:
/// each decoder maps that to the error it gives for truncated data (a NOTIFICATION, an
/// RFC 7606 action or a skipped value), so short input never panics.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { data }
    }

    /// The next `n` bytes, borrowed from the input (no copy).
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.data.len() {
            return None;
        }
        let (head, tail) = self.data.split_at(n);
        self.data = tail;
        Some(head)
    }

    /// The next `N` bytes as an array.
    pub(crate) fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, tail) = self.data.split_first_chunk::<N>()?;
        self.data = tail;
        Some(*head)
    }

    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.array().map(|[byte]| byte)
    }

    pub(crate) fn u16(&mut self) -> Option<u16> {
        self.array().map(u16::from_be_bytes)
    }

    /// Three bytes, as an MPLS label stack entry is (RFC 3032).
    pub(crate) fn u24(&mut self) -> Option<u32> {
        self.array()
            .map(|[a, b, c]| u32::from_be_bytes([0, a, b, c]))
    }

    pub(crate) fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_be_bytes)
    }

    pub(crate) fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_be_bytes)
    }

    /// The bytes not read yet, without consuming them.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.data
    }

    pub(crate) fn remaining(&self) -> usize {
        self.data.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::Reader;
    use proptest::prelude::*;

    #[test]
    fn reads_network_order() {
        let data = [
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
        ];
        let mut r = Reader::new(&data);
        assert_eq!(r.u8(), Some(1));
        assert_eq!(r.u16(), Some(0x0203));
        assert_eq!(r.u24(), Some(0x04_0506));
        assert_eq!(r.u32(), Some(0x0708_090A));
        assert_eq!(r.remaining(), 8);
        assert_eq!(r.array::<2>(), Some([11, 12]));
        assert_eq!(r.take(2), Some(&[13, 14][..]));
        assert_eq!(r.rest(), &[15, 16, 17, 18]);
        assert_eq!(r.take(4), Some(&[15, 16, 17, 18][..]));
        assert!(r.is_empty());
        assert_eq!(r.take(0), Some(&[][..]));
        let mut r = Reader::new(&data[..8]);
        assert_eq!(r.u64(), Some(0x0102_0304_0506_0708));
        assert!(r.is_empty());
    }

    #[test]
    fn short_reads_consume_nothing() {
        let data = [0xAB, 0xCD, 0xEF];
        let mut r = Reader::new(&data);
        assert_eq!(r.u32(), None);
        assert_eq!(r.u64(), None);
        assert_eq!(r.take(4), None);
        assert_eq!(r.array::<4>(), None);
        assert_eq!(r.remaining(), 3);
        assert_eq!(r.u24(), Some(0xAB_CDEF));
        assert_eq!(r.u8(), None);
        assert_eq!(r.u16(), None);
        assert_eq!(r.u24(), None);
        assert_eq!(r.take(usize::MAX), None);
        assert!(r.is_empty());
    }

    proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..32),
                        ops in proptest::collection::vec(0u8..8, 0..16)) {
            let mut r = Reader::new(&data);
            let mut read = 0;
            for op in ops {
                let before = r.remaining();
                let got = match op {
                    0 => r.u8().map(|_| 1),
                    1 => r.u16().map(|_| 2),
                    2 => r.u24().map(|_| 3),
                    3 => r.u32().map(|_| 4),
                    4 => r.u64().map(|_| 8),
                    5 => r.array::<5>().map(|_| 5),
                    6 => r.take(7).map(<[u8]>::len),
                    _ => r.take(usize::from(op) * 3).map(<[u8]>::len),
                };
                match got {
                    Some(n) => prop_assert_eq!(r.remaining(), before - n),
                    None => prop_assert_eq!(r.remaining(), before),
                }
                read += before - r.remaining();
                prop_assert_eq!(r.rest(), &data[read..]);
            }
        }
    }
}
