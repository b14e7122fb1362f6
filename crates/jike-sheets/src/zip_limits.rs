//! Limits on what a workbook's zip archive may inflate to, checked before calamine inflates
//! anything (as Apache POI's `ZipSecureFile` does): a 6 MB `.xlsx` whose shared strings and
//! sheet inflate to 2 GB must be refused, not read into memory.
//!
//! Every entry is checked twice: first the sizes its central directory declares (free), then
//! by inflating its raw bytes here through a counting reader that stops at the first byte past
//! the declared size or a limit, so that an entry whose header lies about its size is caught
//! too. Inflating costs CPU, not memory: the bytes go to a fixed buffer and are dropped. Since
//! inflating is deterministic, calamine reading the same archive afterwards meets no more bytes
//! than were counted here.

use std::io::{Cursor, Read};

use crate::RowError;

/// How much a workbook's zip archive may inflate to. [`ZipLimits::DEFAULT`] is what every import
/// uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipLimits {
    /// The most bytes one entry (a worksheet, the shared strings) may inflate to.
    pub max_entry_bytes: u64,
    /// The most bytes all entries together may inflate to.
    pub max_total_bytes: u64,
    /// The most entries the archive may have.
    pub max_entries: usize,
    /// The most times an entry may inflate beyond its compressed size (100: a compressed /
    /// inflated ratio of at least 0.01, POI's default) ...
    pub max_ratio: u64,
    /// ... once it has inflated to more than this many bytes (small entries of repeated XML
    /// compress very well and are harmless).
    pub ratio_grace_bytes: u64,
}

impl ZipLimits {
    /// 200 MB an entry, 500 MB in all, 10 000 entries, at most 100:1 past the first 4 MB.
    pub const DEFAULT: ZipLimits = ZipLimits {
        max_entry_bytes: 200 * MB,
        max_total_bytes: 500 * MB,
        max_entries: 10_000,
        max_ratio: 100,
        ratio_grace_bytes: 4 * MB,
    };
}

impl Default for ZipLimits {
    fn default() -> Self {
        ZipLimits::DEFAULT
    }
}

const MB: u64 = 1_000_000;

/// Bytes as whole megabytes for messages: `200 MB`.
fn mb(bytes: &u64) -> String {
    format!("{} MB", bytes.div_ceil(MB))
}

/// A workbook refused because its zip archive inflates beyond a [`ZipLimits`] limit: a zip bomb,
/// or a workbook too big to import. Each names the entry that broke the limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipLimitError {
    /// One entry inflates beyond [`ZipLimits::max_entry_bytes`].
    #[error("{entry} inflates beyond {} (the most one part of a workbook may hold)", mb(.limit))]
    EntryTooLarge { entry: String, limit: u64 },
    /// One entry inflates more than [`ZipLimits::max_ratio`] times its compressed size.
    #[error(
        "{entry} inflates beyond {ratio} times its compressed size of {compressed} bytes \
         (a zip bomb?)"
    )]
    Ratio {
        entry: String,
        ratio: u64,
        compressed: u64,
    },
    /// The entries together inflate beyond [`ZipLimits::max_total_bytes`]; `entry` is the one
    /// that crossed it.
    #[error("the workbook inflates beyond {} in all (crossed at {entry})", mb(.limit))]
    TotalTooLarge { entry: String, limit: u64 },
    /// One entry inflates beyond the size its zip headers declare: a crafted archive.
    #[error("{entry} inflates beyond the {declared} bytes its zip header declares (a zip bomb?)")]
    Misdeclared { entry: String, declared: u64 },
    /// The archive has more than [`ZipLimits::max_entries`] entries.
    #[error("the workbook has {count} zip entries, more than {limit}")]
    TooManyEntries { count: usize, limit: usize },
}

impl ZipLimits {
    /// Whether the archive `bytes` opens and stays within these limits: the check every `.xlsx`
    /// read makes first, on its own (what `benches/read.rs` measures against the whole read).
    pub fn admits(&self, bytes: &[u8]) -> bool {
        check(bytes, self).is_ok()
    }
}

impl ZipLimitError {
    /// The entry that broke the limit, if one did.
    pub fn entry(&self) -> Option<&str> {
        match self {
            ZipLimitError::EntryTooLarge { entry, .. }
            | ZipLimitError::Ratio { entry, .. }
            | ZipLimitError::TotalTooLarge { entry, .. }
            | ZipLimitError::Misdeclared { entry, .. } => Some(entry),
            ZipLimitError::TooManyEntries { .. } => None,
        }
    }
}

/// Why [`check`] refused an archive.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// A limit was broken.
    Limit(ZipLimitError),
    /// The archive cannot be read at all (not a zip, damaged, encrypted).
    Damaged(RowError),
}

impl From<ZipLimitError> for Refusal {
    fn from(e: ZipLimitError) -> Self {
        Refusal::Limit(e)
    }
}

/// Checks every entry of the zip archive `bytes` against `limits`, inflating each into a fixed
/// buffer; see the module documentation.
pub(crate) fn check(bytes: &[u8], limits: &ZipLimits) -> Result<(), Refusal> {
    let damaged = |e: zip::result::ZipError| {
        Refusal::Damaged(RowError::file(format!(
            "the .xlsx workbook cannot be opened: {e}"
        )))
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    if archive.len() > limits.max_entries {
        return Err(ZipLimitError::TooManyEntries {
            count: archive.len(),
            limit: limits.max_entries,
        }
        .into());
    }

    // The sizes the central directory declares: refused before anything is inflated.
    let mut declared_total = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(damaged)?;
        let name = entry.name_raw();
        let name = String::from_utf8_lossy(name).into_owned();
        let compressed = entry.compressed_size().min(bytes.len() as u64);
        check_size(&name, entry.size(), compressed, limits)?;
        declared_total = declared_total.saturating_add(entry.size());
        if declared_total > limits.max_total_bytes {
            return Err(ZipLimitError::TotalTooLarge {
                entry: name,
                limit: limits.max_total_bytes,
            }
            .into());
        }
    }

    // What the entries really inflate to, whatever their headers say: the raw (compressed)
    // bytes are inflated here, through a counting reader that stops one byte past a limit.
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(damaged)?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let declared = entry.size();
        // The header's compressed size may lie too, but no entry holds more than the archive.
        let compressed = entry.compressed_size().min(bytes.len() as u64);
        let method = entry.compression();
        let mut inflating: Box<dyn Read> = match method {
            zip::CompressionMethod::Stored => Box::new(entry),
            zip::CompressionMethod::Deflated => Box::new(flate2::read::DeflateDecoder::new(entry)),
            other => {
                return Err(Refusal::Damaged(RowError::file(format!(
                    "the .xlsx workbook cannot be read: {name} is compressed with {other}, \
                     which Excel does not use"
                ))))
            }
        };
        let mut inflated = 0u64;
        loop {
            let n = match inflating.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n as u64,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(Refusal::Damaged(RowError::file(format!(
                        "the .xlsx workbook is damaged: {name} cannot be inflated: {e}"
                    ))))
                }
            };
            inflated += n;
            total += n;
            // The declared sizes passed the limits above, so a lying header is caught here
            // first; the limits are checked again on what was counted all the same.
            if inflated > declared {
                return Err(ZipLimitError::Misdeclared {
                    entry: name,
                    declared,
                }
                .into());
            }
            check_size(&name, inflated, compressed, limits)?;
            if total > limits.max_total_bytes {
                return Err(ZipLimitError::TotalTooLarge {
                    entry: name,
                    limit: limits.max_total_bytes,
                }
                .into());
            }
        }
    }
    Ok(())
}

/// Whether `inflated` bytes of an entry of `compressed` bytes are within the limits.
fn check_size(
    name: &str,
    inflated: u64,
    compressed: u64,
    limits: &ZipLimits,
) -> Result<(), ZipLimitError> {
    if inflated > limits.max_entry_bytes {
        return Err(ZipLimitError::EntryTooLarge {
            entry: name.to_string(),
            limit: limits.max_entry_bytes,
        });
    }
    if inflated > limits.ratio_grace_bytes && inflated > compressed.saturating_mul(limits.max_ratio)
    {
        return Err(ZipLimitError::Ratio {
            entry: name.to_string(),
            ratio: limits.max_ratio,
            compressed,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, ZipWriter};

    use super::*;

    /// Bytes that do not compress (xorshift).
    fn noise(len: usize) -> Vec<u8> {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    fn archive(entries: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
        let options = SimpleFileOptions::default().compression_method(method);
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    /// Makes every header of the archive declare `size` bytes for every entry.
    fn lie_about_sizes(file: &mut [u8], size: u32) {
        for at in 0..file.len().saturating_sub(30) {
            let offset = match &file[at..at + 4] {
                b"PK\x03\x04" => 22,
                b"PK\x01\x02" => 24,
                _ => continue,
            };
            file[at + offset..at + offset + 4].copy_from_slice(&size.to_le_bytes());
        }
    }

    fn limit(bytes: &[u8], limits: &ZipLimits) -> ZipLimitError {
        match check(bytes, limits) {
            Err(Refusal::Limit(e)) => e,
            other => panic!("expected a limit, got {other:?}"),
        }
    }

    const SMALL: ZipLimits = ZipLimits {
        max_entry_bytes: 1_000_000,
        max_total_bytes: 2_000_000,
        max_entries: 4,
        max_ratio: 100,
        ratio_grace_bytes: 100_000,
    };

    #[test]
    fn an_ordinary_archive_passes() {
        let data = noise(500_000);
        let file = archive(
            &[("a.bin", &data), ("b.xml", b"<x/>")],
            CompressionMethod::Deflated,
        );
        assert!(check(&file, &SMALL).is_ok());
        assert!(check(&file, &ZipLimits::DEFAULT).is_ok());
        assert!(ZipLimits::DEFAULT.admits(&file));
        assert!(!ZipLimits::DEFAULT.admits(b"not a zip"));
    }

    #[test]
    fn an_entry_declared_too_large_is_refused_before_it_is_inflated() {
        let data = noise(1_200_000);
        let file = archive(&[("xl/media/a.bin", &data)], CompressionMethod::Stored);
        assert_eq!(
            limit(&file, &SMALL),
            ZipLimitError::EntryTooLarge {
                entry: "xl/media/a.bin".into(),
                limit: 1_000_000
            }
        );
        assert!(!SMALL.admits(&file));
        assert_eq!(
            limit(&file, &SMALL).to_string(),
            "xl/media/a.bin inflates beyond 1 MB (the most one part of a workbook may hold)"
        );
    }

    #[test]
    fn an_entry_whose_header_lies_is_caught_while_it_inflates() {
        // Incompressible, so the ratio does not give it away: only the counted size does.
        let data = noise(1_200_000);
        for method in [CompressionMethod::Stored, CompressionMethod::Deflated] {
            let mut file = archive(&[("xl/worksheets/sheet1.xml", &data)], method);
            lie_about_sizes(&mut file, 1000);
            let e = limit(&file, &SMALL);
            assert_eq!(
                e,
                ZipLimitError::Misdeclared {
                    entry: "xl/worksheets/sheet1.xml".into(),
                    declared: 1000
                },
                "{method:?}"
            );
            assert_eq!(
                e.to_string(),
                "xl/worksheets/sheet1.xml inflates beyond the 1000 bytes its zip header declares \
                 (a zip bomb?)"
            );
        }
    }

    #[test]
    fn the_limits_hold_on_what_is_counted() {
        // An entry that declares nothing too large but is: the counted size trips the limits.
        let limits = |grace| ZipLimits {
            ratio_grace_bytes: grace,
            ..SMALL
        };
        assert!(matches!(
            check_size("a", 1_000_001, 1_000_001, &SMALL),
            Err(ZipLimitError::EntryTooLarge { .. })
        ));
        assert!(matches!(
            check_size("a", 200_000, 1_000, &limits(100_000)),
            Err(ZipLimitError::Ratio { .. })
        ));
        assert!(check_size("a", 200_000, 1_000, &limits(300_000)).is_ok());
        assert!(check_size("a", 200_000, 2_000, &limits(100_000)).is_ok());
    }

    #[test]
    fn an_entry_that_inflates_over_100_to_1_is_refused_past_the_grace() {
        let zeros = vec![0u8; 900_000];
        let file = archive(
            &[("xl/sharedStrings.xml", &zeros)],
            CompressionMethod::Deflated,
        );
        assert!(matches!(
            limit(&file, &SMALL),
            ZipLimitError::Ratio { ref entry, ratio: 100, .. } if entry == "xl/sharedStrings.xml"
        ));
        // Small entries of repeated XML compress very well and are harmless.
        let small = archive(&[("a.xml", &zeros[..90_000])], CompressionMethod::Deflated);
        assert!(check(&small, &SMALL).is_ok());
    }

    #[test]
    fn the_total_and_the_entry_count_are_capped() {
        let data = noise(800_000);
        let three = archive(
            &[("a", &data), ("b", &data), ("c", &data)],
            CompressionMethod::Stored,
        );
        assert_eq!(
            limit(&three, &SMALL),
            ZipLimitError::TotalTooLarge {
                entry: "c".into(),
                limit: 2_000_000
            }
        );
        let five: Vec<(String, Vec<u8>)> = (0..5).map(|i| (format!("e{i}"), vec![1])).collect();
        let five: Vec<(&str, &[u8])> = five
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_slice()))
            .collect();
        assert_eq!(
            limit(&archive(&five, CompressionMethod::Stored), &SMALL),
            ZipLimitError::TooManyEntries { count: 5, limit: 4 }
        );
    }

    #[test]
    fn a_damaged_archive_is_a_file_problem() {
        assert!(matches!(
            check(b"PK\x03\x04 not really a zip", &SMALL),
            Err(Refusal::Damaged(_))
        ));
    }
}
