//! Reading an input's bytes without trusting it: only regular files (a FIFO
//! or a device could block forever or never end), and never more than the
//! size limit, checked on the file's metadata first and enforced on the read
//! itself (`take(limit + 1)`), so that a file that grows while it is read, or
//! whose size is not what its metadata says (`/proc`), is still bounded.
//! Standard input is bounded the same way.

use std::fs::{File, FileType, Metadata};
use std::io::Read;
use std::path::Path;

use dockhard_rules::linter::too_large_message;

/// Why an input's bytes could not be had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// Not a regular file: what it is (`a FIFO`, `a character device`).
    NotRegular(&'static str),
    /// Over the size limit; the size when the metadata tells it.
    TooLarge { size: Option<u64>, limit: u64 },
    /// The system's error: its kind, and how it words it.
    Io(std::io::ErrorKind, String),
    /// A directory of the walk that could not be read.
    Directory(String),
}

impl ReadError {
    /// The DH006 message.
    pub fn message(&self) -> String {
        match self {
            ReadError::NotRegular(what) => format!(
                "not a regular file ({what}): not read, as it could block or never end \
                 (use `-` to lint standard input)"
            ),
            ReadError::TooLarge { size, limit } => too_large_message(*size, *limit),
            ReadError::Io(_, e) => format!("cannot read the file: {e}"),
            ReadError::Directory(e) => {
                format!("cannot read the directory: {e}; the files in it are not linted")
            }
        }
    }
}

impl ReadError {
    /// What to do about it.
    pub fn help(&self) -> &'static str {
        use dockhard_rules::linter::unreadable_help;
        match self {
            ReadError::NotRegular(_) => unreadable_help::NOT_REGULAR,
            ReadError::TooLarge { .. } => unreadable_help::TOO_LARGE,
            ReadError::Io(..) | ReadError::Directory(_) => unreadable_help::PERMISSION,
        }
    }
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        ReadError::Io(e.kind(), e.to_string())
    }
}

/// What a file that is not a regular file is, for a message.
pub fn describe(file_type: &FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

/// Why a path that exists as a name cannot be followed to a file: a
/// dangling symbolic link, a loop of links, or the system's reason.
pub fn unresolvable(path: &Path, error: &std::io::Error) -> String {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link && error.kind() == std::io::ErrorKind::NotFound {
        return match std::fs::read_link(path) {
            Ok(target) => format!(
                "a symbolic link to `{}`, which does not exist",
                target.display()
            ),
            Err(_) => "a symbolic link to nothing that exists".to_string(),
        };
    }
    #[cfg(unix)]
    if error.raw_os_error() == Some(libc::ELOOP) {
        return format!("a loop of symbolic links ({error})");
    }
    if error.kind() == std::io::ErrorKind::NotFound {
        return "no such file or directory".to_string();
    }
    error.to_string()
}

fn regular(meta: &Metadata) -> Result<(), ReadError> {
    if meta.is_file() {
        Ok(())
    } else {
        Err(ReadError::NotRegular(describe(&meta.file_type())))
    }
}

/// Opens a file for reading without blocking: opening a FIFO waits for a
/// writer unless `O_NONBLOCK` is given. On a regular file the flag changes
/// nothing.
pub fn open(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// The bytes of a regular file of at most `limit` bytes.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path)?;
    regular(&meta)?;
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: Some(meta.len()),
            limit,
        });
    }
    let file = open(path)?;
    // The file opened may not be the one looked at (replaced in between).
    let meta = file.metadata()?;
    regular(&meta)?;
    read_bounded(file, limit, meta.len())
}

/// At most `limit` bytes from `reader`; an error if there are more.
/// `expected` sizes the buffer (never beyond the limit).
pub fn read_bounded(reader: impl Read, limit: u64, expected: u64) -> Result<Vec<u8>, ReadError> {
    let capacity = usize::try_from(expected.min(limit).saturating_add(1)).unwrap_or(0);
    let mut buf = Vec::with_capacity(capacity);
    reader.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(ReadError::TooLarge { size: None, limit });
    }
    Ok(buf)
}

/// The first `n` bytes of a regular file (to recognise it by content);
/// `None` for anything else.
pub fn first_bytes(path: &Path, n: u64) -> Option<Vec<u8>> {
    if !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    let file = open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut buf = Vec::new();
    file.take(n).read_to_end(&mut buf).ok()?;
    Some(buf)
}

/// UTF-16 text with a byte-order mark, as UTF-8 (without the mark); `None`
/// when `bytes` do not start with one or are not valid UTF-16. dockerd reads
/// `daemon.json` this way (moby#44790), and compose's YAML reader detects
/// UTF-16 by its mark too; BuildKit and the shell do not.
pub fn utf16_to_utf8(bytes: &[u8]) -> Option<Vec<u8>> {
    let little = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let body = bytes.get(2..)?;
    if body.len() % 2 != 0 {
        return None;
    }
    let units = body.chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if little {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    let text: String = char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()?;
    Some(text.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_reads_refuse_one_byte_more() {
        assert_eq!(read_bounded(&b"abc"[..], 3, 0), Ok(b"abc".to_vec()));
        assert_eq!(
            read_bounded(&b"abcd"[..], 3, 0),
            Err(ReadError::TooLarge {
                size: None,
                limit: 3
            })
        );
        // An endless reader stops at the limit.
        assert!(matches!(
            read_bounded(std::io::repeat(b'x'), 1024, 0),
            Err(ReadError::TooLarge { .. })
        ));
    }

    #[test]
    fn utf16_with_a_mark_is_decoded() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("{\"é\": 1}".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(utf16_to_utf8(&le), Some("{\"é\": 1}".as_bytes().to_vec()));
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("a: b".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(utf16_to_utf8(&be), Some(b"a: b".to_vec()));
        assert_eq!(utf16_to_utf8(b"plain"), None);
        // An odd length or a lone surrogate is not UTF-16.
        assert_eq!(utf16_to_utf8(&[0xFF, 0xFE, 0x41]), None);
        assert_eq!(utf16_to_utf8(&[0xFF, 0xFE, 0x00, 0xD8]), None);
    }
}
