//! The region tree of the facts (province > city > county > grid), checked: codes unique, no
//! cycle of parents. A parent the facts do not list ends the tree there.

use std::collections::HashMap;

use super::RegionFacts;
use crate::values::{FieldError, Problems};

pub(super) struct Tree<'a> {
    pub nodes: &'a [RegionFacts],
    index: HashMap<&'a str, usize>,
    parent: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
}

impl<'a> Tree<'a> {
    /// Checks and indexes `regions`; problems name `regions[i].code` or `.parent_code`.
    pub fn build(regions: &'a [RegionFacts]) -> Result<Tree<'a>, Vec<FieldError>> {
        let mut p = Problems::default();
        let mut index = HashMap::with_capacity(regions.len());
        for (i, r) in regions.iter().enumerate() {
            if index.contains_key(r.code.as_str()) {
                p.add(
                    format!("regions[{i}].code"),
                    format!("'{}' is listed twice", r.code),
                );
            } else {
                index.insert(r.code.as_str(), i);
            }
        }
        let parent: Vec<Option<usize>> = regions
            .iter()
            .map(|r| r.parent_code.as_deref().and_then(|c| index.get(c).copied()))
            .collect();
        for i in 0..regions.len() {
            let mut at = i;
            for _ in 0..=regions.len() {
                match parent[at] {
                    Some(up) => at = up,
                    None => break,
                }
            }
            if parent[at].is_some() {
                p.add(
                    format!("regions[{i}].parent_code"),
                    format!("'{}' is its own ancestor", regions[i].code),
                );
            }
        }
        p.into_result()?;
        let mut children = vec![Vec::new(); regions.len()];
        for (i, up) in parent.iter().enumerate() {
            if let Some(up) = up {
                children[*up].push(i);
            }
        }
        Ok(Tree {
            nodes: regions,
            index,
            parent,
            children,
        })
    }

    pub fn find(&self, code: &str) -> Option<usize> {
        self.index.get(code).copied()
    }

    /// `i` and every region below it, `i` first, then in the facts' order per level.
    pub fn subtree(&self, i: usize) -> Vec<usize> {
        let mut out = vec![i];
        let mut at = 0;
        while at < out.len() {
            out.extend_from_slice(&self.children[out[at]]);
            at += 1;
        }
        out
    }

    /// The regions above `i`, nearest first.
    pub fn ancestors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(self.parent[i], move |&a| self.parent[a])
    }

    /// Σ `f` over `i` and every region below it.
    pub fn subtree_sum(&self, i: usize, f: impl Fn(&RegionFacts) -> u32) -> u32 {
        self.subtree(i)
            .into_iter()
            .fold(0u32, |s, j| s.saturating_add(f(&self.nodes[j])))
    }

    pub fn children(&self, i: usize) -> &[usize] {
        &self.children[i]
    }
}
