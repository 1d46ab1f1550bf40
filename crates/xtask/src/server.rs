//! The real `emhana` binary as a child process for benchmarks and the schema fuzzer: started on
//! a port with an owner password, awaited until `/readyz` answers, stopped (by its own PID) on
//! drop; plus a minimal HTTP/1.1 client so xtask needs no HTTP library.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The first owner's password of servers started here.
pub const OWNER_PASSWORD: &str = "bench-owner-password";

/// A running server.
pub struct Server {
    child: Child,
    port: u16,
}

impl Server {
    /// Starts `bin serve` on `url` at 127.0.0.1:`port` with extra environment `env`, and waits
    /// until it is ready.
    pub fn start(bin: &Path, url: &str, port: u16, env: &[(&str, &str)]) -> Result<Self, String> {
        let mut cmd = Command::new(bin);
        cmd.arg("serve")
            .env("DATABASE_URL", url)
            .env("EMHANA_BIND", format!("127.0.0.1:{port}"))
            .env("EMHANA_OWNER_PASSWORD", OWNER_PASSWORD)
            .env("RUST_LOG", "warn")
            // Benches and the fuzzer measure the server from one address at thousands of
            // requests a minute: no rate limits.
            .env("EMHANA_RATE_LIMIT_PER_MINUTE", "0")
            .env("EMHANA_RATE_LIMIT_IP_PER_MINUTE", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start the server: {e}"))?;
        let mut server = Self { child, port };
        // A start can take minutes: migrations and, after a change of the analytics facts, the
        // one-time rebuild of the aggregates (about a minute per 1,000,000 visits). A server that
        // exits fails at once.
        for _ in 0..3_000 {
            if http(port, "GET", "/readyz", None, None).is_ok_and(|r| r.0 == 200) {
                return Ok(server);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!("the server exited while starting: {status}"));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err("the server did not become ready in 10 minutes".into())
    }

    /// Signs in as the owner; returns the access token.
    pub fn login(&self) -> Result<String, String> {
        let body = format!(r#"{{"login":"owner","password":"{OWNER_PASSWORD}"}}"#);
        let (status, answer) = http(self.port, "POST", "/api/v1/auth/login", None, Some(&body))?;
        if status != 200 {
            return Err(format!("login: HTTP {status}: {answer}"));
        }
        json_string(&answer, "access_token").ok_or_else(|| "no access_token".into())
    }

    /// The server's process id (to read its memory from `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running (it did not crash).
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Stops the server (SIGKILL to its own PID) and reaps it.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The string value of `"key":"..."` in a flat JSON answer.
pub fn json_string(body: &str, key: &str) -> Option<String> {
    let start = body.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_owned())
}

/// One HTTP/1.1 request with `Connection: close`; returns (status, body).
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Result<(u16, String), String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let body = body.unwrap_or("");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .map_err(|e| e.to_string())?;
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| {
            format!(
                "bad answer: {}",
                answer.chars().take(80).collect::<String>()
            )
        })?;
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// One kept-alive HTTP/1.1 connection, for load clients: a new TCP connection per request would
/// measure the handshake and the client's own socket churn, not the server.
pub struct Conn {
    port: u16,
    stream: Option<std::io::BufReader<TcpStream>>,
}

impl Conn {
    /// A client of the server on `port` (connects on first use).
    pub fn new(port: u16) -> Self {
        Self { port, stream: None }
    }

    /// One request; `(status, body)`. An I/O error drops the connection (the next call opens a
    /// new one) and is returned: the caller must not assume the request was not processed.
    pub fn call(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&str>,
    ) -> Result<(u16, String), String> {
        let answer = self.exchange(method, path, token, body.unwrap_or(""));
        if answer.is_err() {
            self.stream = None;
        }
        answer.map_err(|e| e.to_string())
    }

    fn exchange(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        body: &str,
    ) -> std::io::Result<(u16, String)> {
        use std::io::BufRead;
        if self.stream.is_none() {
            let stream = TcpStream::connect(("127.0.0.1", self.port))?;
            stream.set_nodelay(true)?;
            stream.set_read_timeout(Some(Duration::from_secs(60)))?;
            self.stream = Some(std::io::BufReader::new(stream));
        }
        let reader = self
            .stream
            .as_mut()
            .ok_or(std::io::ErrorKind::NotConnected)?;
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        reader.get_mut().write_all(request.as_bytes())?;
        let bad =
            |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("no status line"))?;
        let (mut length, mut chunked, mut close) = (0usize, false, false);
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Err(bad("headers cut short"));
            }
            let header = line.trim_end().to_ascii_lowercase();
            if header.is_empty() {
                break;
            }
            if let Some(v) = header.strip_prefix("content-length:") {
                length = v.trim().parse().map_err(|_| bad("content-length"))?;
            } else if header.starts_with("transfer-encoding:") && header.contains("chunked") {
                chunked = true;
            } else if header.starts_with("connection:") && header.contains("close") {
                close = true;
            }
        }
        let mut bytes = Vec::new();
        if chunked {
            loop {
                line.clear();
                reader.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim(), 16).map_err(|_| bad("chunk size"))?;
                let mut chunk = vec![0; size + 2];
                reader.read_exact(&mut chunk)?;
                if size == 0 {
                    break;
                }
                bytes.extend_from_slice(&chunk[..size]);
            }
        } else {
            bytes.resize(length, 0);
            reader.read_exact(&mut bytes)?;
        }
        if close {
            self.stream = None;
        }
        Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
    }
}
