//! The CSRF token of an upload: the first part of a `multipart/form-data`
//! body, read without buffering the file behind it.

use std::{
    pin::Pin,
    task::{Context, Poll},
};

use axum::{
    BoxError,
    body::{Body, Bytes, HttpBody},
};
use http_body::{Frame, SizeHint};

use super::next_frame;

/// How much of a multipart body may be read to find its first part: a
/// boundary, one `Content-Disposition` line and a 64-character token fit
/// in a few hundred bytes.
pub const FIRST_PART_LIMIT: usize = 4 * 1024;

/// The boundary of a `multipart/form-data` content type.
pub(super) fn multipart_boundary(content_type: &str) -> Option<&str> {
    let mut params = content_type.split(';');
    let essence = params.next()?.trim();
    if !essence.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"'))
        .filter(|b| !b.is_empty() && b.len() <= 70)
}

/// What the bytes read so far say about a multipart body's first part.
#[derive(Debug, PartialEq, Eq)]
enum FirstPart {
    NeedMore,
    /// The first part is the `_csrf` field, with this value.
    Token(String),
    /// Anything else: refused, with the reason for the log.
    Refused(&'static str),
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Whether a part's headers name it the form field `_csrf` (not a file).
fn is_csrf_field(headers: &[u8]) -> bool {
    let Ok(headers) = std::str::from_utf8(headers) else {
        return false;
    };
    let Some(disposition) = headers.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-disposition")
            .then_some(value)
    }) else {
        return false;
    };
    let mut params = disposition.split(';').map(str::trim);
    if !params
        .next()
        .is_some_and(|d| d.eq_ignore_ascii_case("form-data"))
    {
        return false;
    }
    let mut name = None;
    for p in params {
        let Some((k, v)) = p.split_once('=') else {
            continue;
        };
        match k.trim().to_ascii_lowercase().as_str() {
            "name" => name = Some(v.trim().trim_matches('"')),
            "filename" | "filename*" => return false,
            _ => {}
        }
    }
    name == Some("_csrf")
}

/// Parses the first part of a multipart body from its first bytes.
fn parse_first_part(buf: &[u8], boundary: &str) -> FirstPart {
    let dash = [b"--", boundary.as_bytes()].concat();
    if buf.len() < dash.len() + 2 {
        return FirstPart::NeedMore;
    }
    // Browsers send no preamble: the body opens with the first boundary.
    let Some(rest) = buf.strip_prefix(dash.as_slice()) else {
        return FirstPart::Refused("multipart body does not open with its boundary");
    };
    let Some(part) = rest.strip_prefix(b"\r\n") else {
        return FirstPart::Refused("multipart body has no first part");
    };
    let Some(headers_end) = find(part, b"\r\n\r\n") else {
        return FirstPart::NeedMore;
    };
    if !is_csrf_field(&part[..headers_end]) {
        return FirstPart::Refused("first part of the upload is not the _csrf field");
    }
    let value = &part[headers_end + 4..];
    let close = [b"\r\n--", boundary.as_bytes()].concat();
    let Some(end) = find(value, &close) else {
        return FirstPart::NeedMore;
    };
    match std::str::from_utf8(&value[..end]) {
        Ok(t) => FirstPart::Token(t.to_owned()),
        Err(_) => FirstPart::Refused("_csrf field is not text"),
    }
}

/// Reads a multipart body as far as its first part and returns that
/// part's `_csrf` value with a body equal to the original: the bytes read,
/// then the rest of the stream, unread until the handler asks for it.
pub(super) async fn first_part_token(
    mut body: Body,
    boundary: &str,
) -> Result<(String, Body), &'static str> {
    let mut head: Vec<u8> = Vec::new();
    loop {
        let seen = &head[..head.len().min(FIRST_PART_LIMIT)];
        match parse_first_part(seen, boundary) {
            FirstPart::Token(t) => {
                let body = Body::new(Replay {
                    head: Some(Bytes::from(head)),
                    rest: body,
                });
                return Ok((t, body));
            }
            FirstPart::Refused(why) => return Err(why),
            FirstPart::NeedMore if head.len() >= FIRST_PART_LIMIT => {
                return Err("first part of the upload is too long for a _csrf field");
            }
            FirstPart::NeedMore => {}
        }
        match next_frame(&mut body).await {
            None => return Err("upload ended before its first part"),
            Some(Err(_)) => return Err("upload unreadable"),
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => head.extend_from_slice(&data),
                Err(_) => return Err("upload trailers before its first part"),
            },
        }
    }
}

/// A body that yields `head`, then whatever `rest` yields.
///
/// Errors pass through unwrapped (`BoxError`), so that a length-limit error
/// of the body below still reads as one to the extractors (a 413).
struct Replay {
    head: Option<Bytes>,
    rest: Body,
}

impl HttpBody for Replay {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if let Some(head) = self.head.take().filter(|h| !h.is_empty()) {
            return Poll::Ready(Some(Ok(Frame::data(head))));
        }
        Pin::new(&mut self.rest)
            .poll_frame(cx)
            .map_err(axum::Error::into_inner)
    }

    fn is_end_stream(&self) -> bool {
        self.head.as_ref().is_none_or(Bytes::is_empty) && self.rest.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        let head = self.head.as_ref().map_or(0, |h| h.len() as u64);
        let rest = self.rest.size_hint();
        let mut hint = SizeHint::new();
        hint.set_lower(rest.lower().saturating_add(head));
        if let Some(upper) = rest.upper() {
            hint.set_upper(upper.saturating_add(head));
        }
        hint
    }
}

#[cfg(test)]
mod tests {
    use std::{
        convert::Infallible,
        sync::{
            Arc,
            atomic::{AtomicUsize, Ordering},
        },
        time::Duration,
    };

    use tokio::sync::mpsc;

    use super::*;

    const B: &str = "----WebKitFormBoundaryx7MA4YWxkTrZu0gW";

    fn part(name: &str, extra: &str, value: &str) -> String {
        format!(
            "--{B}\r\nContent-Disposition: form-data; name=\"{name}\"{extra}\r\n\r\n{value}\r\n"
        )
    }

    #[test]
    fn boundary_of_multipart_content_types_only() {
        assert_eq!(
            multipart_boundary(&format!("multipart/form-data; boundary={B}")),
            Some(B)
        );
        assert_eq!(
            multipart_boundary("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"abc\""),
            Some("abc")
        );
        for ct in [
            "application/x-www-form-urlencoded",
            "multipart/mixed; boundary=abc",
            "multipart/form-data",
            "multipart/form-data; boundary=",
        ] {
            assert_eq!(multipart_boundary(ct), None, "{ct}");
        }
        let long = "x".repeat(71);
        assert_eq!(
            multipart_boundary(&format!("multipart/form-data; boundary={long}")),
            None
        );
    }

    #[test]
    fn the_first_part_must_be_the_csrf_field() {
        let token = "a".repeat(64);
        let good = format!("{}{}", part("_csrf", "", &token), part("creditor", "", "1"));
        assert_eq!(
            parse_first_part(good.as_bytes(), B),
            FirstPart::Token(token.clone())
        );
        // Every cut short of the closing boundary asks for more.
        let first = part("_csrf", "", &token);
        for cut in 0..first.len() {
            assert_eq!(
                parse_first_part(&first.as_bytes()[..cut], B),
                FirstPart::NeedMore,
                "cut at {cut}"
            );
        }
        let file_first = format!(
            "{}{}",
            part("arquivo", "; filename=\"a.csv\"", "x;y"),
            part("_csrf", "", &token)
        );
        assert!(matches!(
            parse_first_part(file_first.as_bytes(), B),
            FirstPart::Refused(_)
        ));
        let as_file = part("_csrf", "; filename=\"t.txt\"", &token);
        assert!(matches!(
            parse_first_part(as_file.as_bytes(), B),
            FirstPart::Refused(_)
        ));
        let preamble = format!("preamble\r\n{good}");
        assert!(matches!(
            parse_first_part(preamble.as_bytes(), B),
            FirstPart::Refused(_)
        ));
        let other_name = part("_csrf_x", "", &token);
        assert!(matches!(
            parse_first_part(other_name.as_bytes(), B),
            FirstPart::Refused(_)
        ));
    }

    /// A body fed through a channel, counting the bytes handed out.
    struct Chunks {
        rx: mpsc::UnboundedReceiver<Bytes>,
        taken: Arc<AtomicUsize>,
    }

    impl HttpBody for Chunks {
        type Data = Bytes;
        type Error = Infallible;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            self.rx.poll_recv(cx).map(|chunk| {
                chunk.map(|c| {
                    self.taken.fetch_add(c.len(), Ordering::SeqCst);
                    Ok(Frame::data(c))
                })
            })
        }
    }

    fn channel_body() -> (mpsc::UnboundedSender<Bytes>, Body, Arc<AtomicUsize>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let taken = Arc::new(AtomicUsize::new(0));
        let body = Body::new(Chunks {
            rx,
            taken: taken.clone(),
        });
        (tx, body, taken)
    }

    #[tokio::test]
    async fn the_token_is_read_without_waiting_for_the_rest() {
        let token = "b".repeat(64);
        let (tx, body, _) = channel_body();
        tx.send(Bytes::from(part("_csrf", "", &token))).unwrap();
        tx.send(Bytes::from(format!("--{B}\r\n"))).unwrap();
        // The rest of the upload has not arrived (the channel stays open):
        // the token must come all the same.
        let (found, mut body) =
            tokio::time::timeout(Duration::from_secs(5), first_part_token(body, B))
                .await
                .expect("the check waited for the whole body")
                .unwrap();
        assert_eq!(found, token);
        tx.send(Bytes::from_static(b"the rest")).unwrap();
        drop(tx);
        let mut all = Vec::new();
        while let Some(frame) = next_frame(&mut body).await {
            all.extend_from_slice(&frame.unwrap().into_data().unwrap());
        }
        assert_eq!(
            String::from_utf8(all).unwrap(),
            format!("{}--{B}\r\nthe rest", part("_csrf", "", &token))
        );
    }

    #[tokio::test]
    async fn reading_stops_at_the_limit() {
        let (tx, body, taken) = channel_body();
        // A first part that never closes: refused once the limit is read,
        // leaving what follows unread.
        let opening = format!("--{B}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n");
        let mut total = opening.len();
        tx.send(Bytes::from(opening)).unwrap();
        for _ in 0..8 {
            tx.send(Bytes::from(vec![b'c'; 1024])).unwrap();
            total += 1024;
        }
        let refused = tokio::time::timeout(Duration::from_secs(5), first_part_token(body, B))
            .await
            .expect("the check kept waiting past its limit");
        assert!(refused.is_err());
        let read = taken.load(Ordering::SeqCst);
        assert!(
            (FIRST_PART_LIMIT..total).contains(&read),
            "read {read} of {total} bytes"
        );
        // A first part that is a file is refused as soon as its headers are in.
        let (tx, body, taken) = channel_body();
        let file = part("arquivo", "; filename=\"a.csv\"", "x");
        tx.send(Bytes::from(file.clone())).unwrap();
        tx.send(Bytes::from(vec![b'x'; 10_000])).unwrap();
        assert!(first_part_token(body, B).await.is_err());
        assert_eq!(taken.load(Ordering::SeqCst), file.len());
    }
}
