//! LSP's framing (`Content-Length: N` headers, a blank line, N bytes of JSON), read and
//! written in one place for every end of the product: the server's input guard and output
//! pump, and the client the demo and the tests drive the server with. The reader is the
//! guard's: it never trusts a header, and after any broken frame it finds the next one.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// Larger messages are read past and refused; no editor sends anything near it.
pub(crate) const MAX_MESSAGE: usize = 64 << 20;

/// Writes one frame and flushes it.
pub(crate) async fn write_frame<W: AsyncWrite + Unpin + ?Sized>(
    w: &mut W,
    body: &[u8],
) -> std::io::Result<()> {
    w.write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
        .await?;
    w.write_all(body).await?;
    w.flush().await
}

/// What the reader found next.
pub(crate) enum Frame {
    /// A frame's body, as its header announced it.
    Message(Vec<u8>),
    /// A frame that cannot be taken, read past: the next call reads the frame after it.
    Bad(BadFrame),
    /// The end of the input.
    End,
}

pub(crate) enum BadFrame {
    /// A `Content-Length` over `MAX_MESSAGE`: not read that far, skipped to the next header.
    TooLarge(usize),
    /// No usable `Content-Length`: skipped to the next header.
    NoLength,
    /// A header that is not text: its body was read past.
    NotText,
}

/// The longest header line read; a longer one is skipped to its end.
pub(crate) const MAX_HEADER_LINE: usize = 8 << 10;

const CONTENT_LENGTH: &[u8] = b"content-length:";

/// The input with room to put bytes back: after a frame whose length was wrong, what was read
/// past the frame's real end is the start of the next one.
pub(crate) struct FrameReader<I> {
    reader: BufReader<I>,
    pending: Vec<u8>,
}

enum Line {
    Text(Vec<u8>),
    TooLong,
    End,
}

impl<I: AsyncRead + Unpin> FrameReader<I> {
    pub(crate) fn new(input: I) -> Self {
        FrameReader {
            reader: BufReader::new(input),
            pending: Vec::new(),
        }
    }

    /// Puts bytes back in front of what is still to be read: a frame whose length was too
    /// long swallowed the start of the next one.
    pub(crate) fn give_back(&mut self, bytes: &[u8]) {
        self.push_back(bytes);
    }

    fn push_back(&mut self, bytes: &[u8]) {
        let mut v = bytes.to_vec();
        v.append(&mut self.pending);
        self.pending = v;
    }

    async fn byte(&mut self) -> Option<u8> {
        if !self.pending.is_empty() {
            return Some(self.pending.remove(0));
        }
        let buf = self.reader.fill_buf().await.ok()?;
        let b = *buf.first()?;
        self.reader.consume(1);
        Some(b)
    }

    /// One line up to `\n`, at most `MAX_HEADER_LINE` bytes kept.
    async fn line(&mut self) -> Line {
        let mut line = Vec::new();
        let mut too_long = false;
        loop {
            // Fast path: whole lines straight from the buffer when nothing is pending.
            if self.pending.is_empty() {
                let Ok(buf) = self.reader.fill_buf().await else {
                    return Line::End;
                };
                if buf.is_empty() {
                    return Line::End;
                }
                let (take, done) = match buf.iter().position(|&b| b == b'\n') {
                    Some(i) => (i + 1, true),
                    None => (buf.len(), false),
                };
                if !too_long {
                    line.extend_from_slice(&buf[..take]);
                }
                self.reader.consume(take);
                if line.len() > MAX_HEADER_LINE {
                    too_long = true;
                    line.clear();
                }
                if done {
                    return if too_long {
                        Line::TooLong
                    } else {
                        Line::Text(line)
                    };
                }
                continue;
            }
            let Some(b) = self.byte().await else {
                return Line::End;
            };
            if !too_long {
                line.push(b);
                if line.len() > MAX_HEADER_LINE {
                    too_long = true;
                    line.clear();
                }
            }
            if b == b'\n' {
                return if too_long {
                    Line::TooLong
                } else {
                    Line::Text(line)
                };
            }
        }
    }

    async fn exact(&mut self, n: usize) -> Option<Vec<u8>> {
        let mut body = Vec::with_capacity(n.min(1 << 20));
        let from_pending = n.min(self.pending.len());
        body.extend(self.pending.drain(..from_pending));
        let rest = n - from_pending;
        if rest > 0 {
            let start = body.len();
            body.resize(n, 0);
            self.reader.read_exact(&mut body[start..]).await.ok()?;
        }
        Some(body)
    }

    /// Skips to the next `Content-Length:` (any case), which is left to be read: after a
    /// header that cannot be trusted, the next frame starts there.
    async fn skip_to_header(&mut self) -> bool {
        let mut matched = 0;
        while let Some(b) = self.byte().await {
            if b.to_ascii_lowercase() == CONTENT_LENGTH[matched] {
                matched += 1;
                if matched == CONTENT_LENGTH.len() {
                    self.push_back(b"Content-Length:");
                    return true;
                }
            } else {
                matched = usize::from(b.to_ascii_lowercase() == CONTENT_LENGTH[0]);
            }
        }
        false
    }
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Where a `Content-Length:` header (any case) starts in `bytes`.
pub(crate) fn find_header(bytes: &[u8]) -> Option<usize> {
    find_ci(bytes, CONTENT_LENGTH)
}

impl<I: AsyncRead + Unpin> FrameReader<I> {
    /// The next frame. Headers run to a blank line; a header may follow the leftovers of a
    /// broken frame on the same line, so `Content-Length:` is looked for anywhere in it.
    pub(crate) async fn next(&mut self) -> Frame {
        let mut length: Option<Result<usize, ()>> = None;
        let mut bad_header = false;
        let mut saw_header = false;
        loop {
            let line = match self.line().await {
                Line::End => return Frame::End,
                Line::TooLong => {
                    saw_header = true;
                    bad_header = true;
                    continue;
                }
                Line::Text(l) => l,
            };
            let trimmed = line.trim_ascii_end();
            if trimmed.is_empty() {
                if saw_header {
                    break;
                }
                continue;
            }
            saw_header = true;
            if let Some(i) = find_ci(trimmed, CONTENT_LENGTH) {
                let value = &trimmed[i + CONTENT_LENGTH.len()..];
                length = Some(
                    std::str::from_utf8(value)
                        .ok()
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .ok_or(()),
                );
            } else if std::str::from_utf8(trimmed).is_err() {
                bad_header = true;
            }
        }
        let length = match length {
            Some(Ok(n)) if n <= MAX_MESSAGE => n,
            // The length cannot be trusted enough to read that far: skip to the next header
            // instead, as for any other broken header.
            Some(Ok(n)) => {
                self.skip_to_header().await;
                return Frame::Bad(BadFrame::TooLarge(n));
            }
            _ => {
                self.skip_to_header().await;
                return Frame::Bad(BadFrame::NoLength);
            }
        };
        let Some(body) = self.exact(length).await else {
            return Frame::End;
        };
        if bad_header {
            return Frame::Bad(BadFrame::NotText);
        }
        Frame::Message(body)
    }
}
