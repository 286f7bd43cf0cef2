//! A local AWS Lambda Runtime API on loopback, for `cargo trigger invoke`:
//! it hands one event to the function's real binary (`next`), and collects
//! what the binary reports (`response`, invocation `error`, `init/error`).
//! Plain HTTP/1.1 over std, keep-alive and chunked bodies included.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What the function reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The handler's response body.
    Response(Vec<u8>),
    /// The handler failed: `errorType` and `errorMessage` as it sent them.
    Error { error_type: String, message: String },
    /// Initialisation failed before the handler ran.
    InitError { error_type: String, message: String },
}

/// The event to deliver, and its invocation context.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub request_id: String,
    pub function_arn: String,
    pub event: Vec<u8>,
    pub timeout: Duration,
}

struct Shared {
    invocation: Invocation,
    delivered: Mutex<bool>,
    delivered_at: Mutex<Option<std::time::Instant>>,
    done: Sender<Outcome>,
    stop: AtomicBool,
}

pub struct RuntimeApi {
    addr: SocketAddr,
    outcomes: Receiver<Outcome>,
    shared: Arc<Shared>,
}

impl RuntimeApi {
    /// Listen on 127.0.0.1 (a free port) and serve `invocation` once.
    pub fn start(invocation: Invocation) -> std::io::Result<RuntimeApi> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let (tx, rx) = channel();
        let shared = Arc::new(Shared {
            invocation,
            delivered: Mutex::new(false),
            delivered_at: Mutex::new(None),
            done: tx,
            stop: AtomicBool::new(false),
        });
        let accept = Arc::clone(&shared);
        thread::spawn(move || {
            for stream in listener.incoming() {
                if accept.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let conn = Arc::clone(&accept);
                thread::spawn(move || {
                    let _ = serve(stream, &conn);
                });
            }
        });
        Ok(RuntimeApi {
            addr,
            outcomes: rx,
            shared,
        })
    }

    /// `host:port`, for `AWS_LAMBDA_RUNTIME_API`.
    pub fn address(&self) -> String {
        self.addr.to_string()
    }

    /// When the event was handed to the function.
    pub fn delivered_at(&self) -> Option<std::time::Instant> {
        *self.shared.delivered_at.lock().expect("not poisoned")
    }

    /// The next report from the function, or `None` after `timeout`.
    pub fn wait(&self, timeout: Duration) -> Option<Outcome> {
        self.outcomes.recv_timeout(timeout).ok()
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees `stop`.
        let _ = TcpStream::connect(self.addr);
    }
}

struct Request {
    method: String,
    path: String,
    body: Vec<u8>,
}

fn read_request(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 {
            return Ok(None);
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let mut body = Vec::new();
    if headers
        .get("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
            if size == 0 {
                // Trailers, then the blank line.
                loop {
                    let mut t = String::new();
                    if reader.read_line(&mut t)? == 0 || t.trim_end().is_empty() {
                        break;
                    }
                }
                break;
            }
            let mut chunk = vec![0; size];
            reader.read_exact(&mut chunk)?;
            body.extend_from_slice(&chunk);
            let mut crlf = [0; 2];
            reader.read_exact(&mut crlf)?;
        }
    } else if let Some(len) = headers.get("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body = vec![0; len];
        reader.read_exact(&mut body)?;
    }
    Ok(Some(Request { method, path, body }))
}

fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, String)], body: &[u8]) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

fn error_fields(body: &[u8]) -> (String, String) {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or(serde_json::Value::Null);
    (
        v["errorType"].as_str().unwrap_or("Unknown").to_string(),
        v["errorMessage"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| String::from_utf8_lossy(body).into_owned()),
    )
}

fn serve(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let prefix = "/2018-06-01/runtime";
    while let Some(req) = read_request(&mut reader)? {
        let inv = &shared.invocation;
        let path = req.path.strip_prefix(prefix).unwrap_or(&req.path);
        match (req.method.as_str(), path) {
            ("GET", "/invocation/next") => {
                let first = {
                    let mut d = shared.delivered.lock().expect("not poisoned");
                    !std::mem::replace(&mut *d, true)
                };
                if !first {
                    // One event per invoke: the function waits here until it
                    // is stopped.
                    while !shared.stop.load(Ordering::SeqCst) {
                        thread::sleep(Duration::from_millis(50));
                    }
                    return Ok(());
                }
                let deadline = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default()
                    .saturating_add(inv.timeout)
                    .as_millis();
                respond(
                    &mut writer,
                    "200 OK",
                    &[
                        ("Lambda-Runtime-Aws-Request-Id", inv.request_id.clone()),
                        ("Lambda-Runtime-Deadline-Ms", deadline.to_string()),
                        ("Lambda-Runtime-Invoked-Function-Arn", inv.function_arn.clone()),
                        (
                            "Lambda-Runtime-Trace-Id",
                            format!("Root=1-00000000-{}", &inv.request_id.replace('-', "")[..24]),
                        ),
                    ],
                    &inv.event,
                )?;
                *shared.delivered_at.lock().expect("not poisoned") = Some(std::time::Instant::now());
            }
            ("POST", p) if p == format!("/invocation/{}/response", inv.request_id) => {
                respond(&mut writer, "202 Accepted", &[], b"{\"status\":\"OK\"}")?;
                let _ = shared.done.send(Outcome::Response(req.body));
            }
            ("POST", p) if p == format!("/invocation/{}/error", inv.request_id) => {
                respond(&mut writer, "202 Accepted", &[], b"{\"status\":\"OK\"}")?;
                let (error_type, message) = error_fields(&req.body);
                let _ = shared.done.send(Outcome::Error { error_type, message });
            }
            ("POST", "/init/error") => {
                respond(&mut writer, "202 Accepted", &[], b"{\"status\":\"OK\"}")?;
                let (error_type, message) = error_fields(&req.body);
                let _ = shared.done.send(Outcome::InitError { error_type, message });
            }
            _ => {
                respond(&mut writer, "404 Not Found", &[], b"{\"errorMessage\":\"not found\"}")?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invocation() -> Invocation {
        Invocation {
            request_id: "8476a536-e9f4-11e8-9739-2dfe598c3fcd".into(),
            function_arn: "arn:aws:lambda:us-east-1:123456789012:function:f".into(),
            event: b"{\"x\":1}".to_vec(),
            timeout: Duration::from_secs(3),
        }
    }

    fn http(addr: &str, req: &str) -> String {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(req.as_bytes()).unwrap();
        let mut r = BufReader::new(s);
        let mut head = String::new();
        let mut len = 0;
        loop {
            let mut l = String::new();
            r.read_line(&mut l).unwrap();
            if let Some(v) = l.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
            head.push_str(&l);
            if l == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; len];
        r.read_exact(&mut body).unwrap();
        head + &String::from_utf8(body).unwrap()
    }

    #[test]
    fn delivers_the_event_and_collects_a_chunked_response() {
        let api = RuntimeApi::start(invocation()).unwrap();
        let next = http(
            &api.address(),
            "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n",
        );
        assert!(next.starts_with("HTTP/1.1 200 OK"), "{next}");
        assert!(next.contains("Lambda-Runtime-Aws-Request-Id: 8476a536-e9f4-11e8-9739-2dfe598c3fcd"));
        assert!(next.ends_with("{\"x\":1}"));
        http(
            &api.address(),
            "POST /2018-06-01/runtime/invocation/8476a536-e9f4-11e8-9739-2dfe598c3fcd/response HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4\r\n\":2}\r\n0\r\n\r\n",
        );
        assert_eq!(
            api.wait(Duration::from_secs(2)),
            Some(Outcome::Response(b"{\"a\":2}".to_vec()))
        );
    }

    #[test]
    fn collects_errors() {
        let api = RuntimeApi::start(invocation()).unwrap();
        let body = "{\"errorType\":\"Boom\",\"errorMessage\":\"no\"}";
        http(
            &api.address(),
            &format!(
                "POST /2018-06-01/runtime/invocation/8476a536-e9f4-11e8-9739-2dfe598c3fcd/error HTTP/1.1\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        );
        assert_eq!(
            api.wait(Duration::from_secs(2)),
            Some(Outcome::Error {
                error_type: "Boom".into(),
                message: "no".into()
            })
        );
        assert_eq!(api.wait(Duration::from_millis(50)), None);
    }
}
