//! The reference tables rules judge against (end-of-life dates, image
//! users, CVEs), compiled into the binary from `data/` and replaceable at
//! run time by newer tables of the same format (`--eol-data DIR`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// When the end-of-life tables were retrieved (see `data/README.md`).
pub const EOL_DATA_DATE: &str = "2026-08-22";
/// When the image-users table was built.
pub const IMAGE_USERS_DATE: &str = "2026-11-29";

/// A calendar date (`YYYY-MM-DD`), as the tables and `--as-of` write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// `YYYY-MM-DD`, with a real month and day.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Today, in UTC.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days((secs / 86_400) as i64)
    }

    /// The date `days` after 1970-01-01 (the proleptic Gregorian calendar).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A tab-separated table: a header row, then rows of cells. Cells borrow
/// the table's text, which lives as long as the program: the compiled-in
/// tables are static, and tables read at run time (`--eol-data`, once per
/// run) are kept. The cells are one flat list (a row is `header.len()`
/// cells): reading a table allocates neither a string per cell nor a list
/// per row, which matters when one file is linted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<&'static str>,
    cells: Vec<&'static str>,
}

impl Table {
    /// Reads a TSV text (UTF-8, one header row, no quoting). Lines that are
    /// empty are skipped; short rows are padded with empty cells, cells past
    /// the header's width are dropped.
    pub fn parse(text: &'static str) -> Table {
        let mut header: Vec<&'static str> = Vec::new();
        let mut cells: Vec<&'static str> = Vec::with_capacity(text.len() / 8);
        // Where the current row starts in `cells`.
        let mut row = 0;
        let mut start = 0;
        let bytes = text.as_bytes();
        for i in 0..=bytes.len() {
            let b = bytes.get(i).copied().unwrap_or(b'\n');
            if b != b'\t' && b != b'\n' {
                continue;
            }
            // Tabs and newlines are ASCII: `start..i` is on char boundaries.
            cells.push(text.get(start..i).unwrap_or("").trim());
            start = i + 1;
            if b == b'\n' {
                if cells[row..].iter().all(|c| c.is_empty()) {
                    cells.truncate(row);
                } else if header.is_empty() {
                    header = cells.drain(row..).collect();
                } else {
                    cells.resize(row + header.len(), "");
                    row = cells.len();
                }
            }
        }
        Table { header, cells }
    }

    /// The header of a TSV text (its first line that is not blank), without
    /// reading the rest: `--eol-data` checks headers before any table is used.
    pub fn header_of(text: &'static str) -> Vec<&'static str> {
        text.split('\n')
            .find(|line| line.bytes().any(|b| !b.is_ascii_whitespace()))
            .map(|line| Table::parse(line).header)
            .unwrap_or_default()
    }

    /// The rows, each `header.len()` cells.
    pub fn rows(&self) -> std::slice::ChunksExact<'_, &'static str> {
        self.cells.chunks_exact(self.header.len().max(1))
    }

    /// The index of a column by its header name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| *h == name)
    }

    /// A cell of a row by column name (`""` when absent).
    pub fn cell(&self, row: &[&'static str], name: &str) -> &'static str {
        self.column(name)
            .and_then(|i| row.get(i))
            .copied()
            .unwrap_or("")
    }
}

/// Where the tables came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataSource {
    /// Compiled into the binary.
    Builtin,
    /// Read from a directory at run time (`--eol-data`).
    Dir(PathBuf),
}

/// A table read from its text the first time it is used: a run that lints
/// one Dockerfile reads the image tables, not the CVE ranges.
#[derive(Clone, Debug)]
pub struct LazyTable {
    text: &'static str,
    table: OnceLock<Table>,
}

impl LazyTable {
    fn new(text: &'static str) -> LazyTable {
        LazyTable {
            text,
            table: OnceLock::new(),
        }
    }
}

impl std::ops::Deref for LazyTable {
    type Target = Table;
    fn deref(&self) -> &Table {
        self.table.get_or_init(|| Table::parse(self.text))
    }
}

impl PartialEq for LazyTable {
    fn eq(&self, other: &LazyTable) -> bool {
        self.text == other.text
    }
}

impl Eq for LazyTable {}

/// Every reference table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataSet {
    pub eol: LazyTable,
    pub eol_support: LazyTable,
    pub eol_image_map: LazyTable,
    pub eol_tag_suffix: LazyTable,
    pub image_users: LazyTable,
    pub cves: LazyTable,
    pub source: DataSource,
}

/// The file names of the tables, with their compiled-in text.
const FILES: [(&str, &str); 6] = [
    ("eol.tsv", include_str!("../data/eol.tsv")),
    ("eol-support.tsv", include_str!("../data/eol-support.tsv")),
    (
        "eol-image-map.tsv",
        include_str!("../data/eol-image-map.tsv"),
    ),
    (
        "eol-tag-suffix.tsv",
        include_str!("../data/eol-tag-suffix.tsv"),
    ),
    ("image-users.tsv", include_str!("../data/image-users.tsv")),
    ("cves.tsv", include_str!("../data/cves.tsv")),
];

impl DataSet {
    fn from_texts(texts: [&'static str; 6], source: DataSource) -> DataSet {
        let [eol, support, map, suffix, users, cves] = texts.map(LazyTable::new);
        DataSet {
            eol,
            eol_support: support,
            eol_image_map: map,
            eol_tag_suffix: suffix,
            image_users: users,
            cves,
            source,
        }
    }

    /// The tables compiled into the binary.
    pub fn builtin() -> &'static DataSet {
        static CELL: OnceLock<DataSet> = OnceLock::new();
        CELL.get_or_init(|| DataSet::from_texts(FILES.map(|(_, t)| t), DataSource::Builtin))
    }

    /// Tables from a directory: each file present replaces the compiled-in
    /// one and must have the same header; a missing file keeps the
    /// compiled-in table.
    pub fn load_dir(dir: &Path) -> Result<DataSet, String> {
        if !dir.is_dir() {
            return Err(format!("{}: not a directory", dir.display()));
        }
        let mut texts: Vec<&'static str> = Vec::with_capacity(FILES.len());
        let mut found = 0;
        for (name, builtin) in FILES {
            let path = dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    // Kept for the rest of the run, like the compiled-in text.
                    let text: &'static str = Box::leak(text.into_boxed_str());
                    let want = Table::header_of(builtin);
                    let got = Table::header_of(text);
                    if got != want {
                        return Err(format!(
                            "{}: the header is `{}`, expected `{}`",
                            path.display(),
                            got.join("\\t"),
                            want.join("\\t")
                        ));
                    }
                    found += 1;
                    texts.push(text);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => texts.push(builtin),
                Err(e) => return Err(format!("{}: {e}", path.display())),
            }
        }
        if found == 0 {
            return Err(format!(
                "{}: none of {} is there",
                dir.display(),
                FILES.map(|(n, _)| n).join(", ")
            ));
        }
        let refs: [&'static str; 6] = [texts[0], texts[1], texts[2], texts[3], texts[4], texts[5]];
        Ok(DataSet::from_texts(
            refs,
            DataSource::Dir(dir.to_path_buf()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(20_786).to_string(), "2026-11-29");
        assert_eq!(Date::from_days(11_016).to_string(), "2000-02-29");
        assert_eq!(Date::parse("2026-02-29"), None);
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.to_string()).as_deref(),
            Some("2024-02-29")
        );
        assert!(Date::parse("2026-08-22") < Date::parse("2026-11-01"));
        assert_eq!(Date::parse("2026-13-01"), None);
    }

    #[test]
    fn builtin_tables_parse_with_their_headers() {
        let d = DataSet::builtin();
        assert_eq!(
            d.eol.header[..4],
            ["product", "cycle", "release_date", "eol"]
        );
        assert!(d.eol.rows().len() > 1000);
        assert!(d.image_users.column("runs_as_root").is_some());
        assert!(d.cves.rows().any(|r| r.first().copied() == Some("runc")));
        let row = d.eol.rows().next().expect("a row");
        assert!(!d.eol.cell(row, "product").is_empty());
    }

    #[test]
    fn tables_pad_short_rows_drop_extra_cells_and_skip_blank_lines() {
        let t = Table::parse("k\tv\tw\n\na\t1\nb\t2\t x \textra\n\t\t\na\t3\t4");
        assert_eq!(t.header, ["k", "v", "w"]);
        let rows: Vec<&[&str]> = t.rows().collect();
        assert_eq!(
            rows,
            [&["a", "1", ""][..], &["b", "2", "x"], &["a", "3", "4"]]
        );
        assert_eq!(Table::parse("").rows().count(), 0);
        assert_eq!(Table::header_of("\n \t\nk\tv\na\tb"), ["k", "v"]);
        assert!(Table::header_of("").is_empty());
    }

    #[test]
    fn a_directory_replaces_the_tables_it_has() {
        let dir = std::env::temp_dir().join(format!("dockhard-data-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(
            dir.join("eol.tsv"),
            "product\tcycle\trelease_date\teol\tcodename\tsource\nexample\t1\t2020-01-01\t2021-01-01\t\tx\n",
        )
        .expect("write");
        let d = DataSet::load_dir(&dir).expect("load");
        assert_eq!(d.eol.rows().len(), 1);
        assert_eq!(d.image_users, DataSet::builtin().image_users);
        std::fs::write(dir.join("eol.tsv"), "wrong\theader\n").expect("write");
        assert!(DataSet::load_dir(&dir).is_err());
        let _ = std::fs::remove_dir_all(&dir);
        assert!(DataSet::load_dir(&dir).is_err());
    }
}
