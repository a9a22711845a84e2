//! `FirstInline`: a list whose first item lives inline. The lists a request
//! builds (its signatures, the secrets of its key) almost always hold one
//! item, so the usual request allocates nothing for them.

/// A list that allocates only from its second item on.
#[derive(Debug)]
pub struct FirstInline<T> {
    first: Option<T>,
    rest: Vec<T>,
}

impl<T> Default for FirstInline<T> {
    fn default() -> Self {
        FirstInline {
            first: None,
            rest: Vec::new(),
        }
    }
}

impl<T> FirstInline<T> {
    pub fn one(item: T) -> Self {
        FirstInline {
            first: Some(item),
            rest: Vec::new(),
        }
    }

    pub fn push(&mut self, item: T) {
        if self.first.is_none() {
            self.first = Some(item);
        } else {
            self.rest.push(item);
        }
    }

    pub fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.len()
    }

    pub fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    pub fn first(&self) -> Option<&T> {
        self.first.as_ref()
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.first.iter().chain(&self.rest)
    }

    /// The first item and the others, in order.
    pub fn into_parts(self) -> (Option<T>, Vec<T>) {
        (self.first, self.rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_length() {
        let mut list = FirstInline::default();
        assert!(list.is_empty() && list.first().is_none());
        assert_eq!(list.len(), 0);
        for n in 1..=4 {
            list.push(n);
            assert_eq!(list.len(), n);
        }
        assert_eq!(list.iter().copied().collect::<Vec<_>>(), [1, 2, 3, 4]);
        assert_eq!(list.first(), Some(&1));
        assert_eq!(list.into_parts(), (Some(1), vec![2, 3, 4]));
        assert_eq!(FirstInline::one(7).into_parts(), (Some(7), vec![]));
    }
}
