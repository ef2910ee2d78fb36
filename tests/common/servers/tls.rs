//! A throwaway certificate authority and a server certificate for 127.0.0.1, made with the
//! `openssl` command in a temp dir when a test asks for one. Nothing is kept: the dir (and its
//! private keys) is removed on drop.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{require_command, temp_dir};

/// The extensions of the CA and of the server certificate. The server certificate is also a
/// client certificate: a TLS cluster's nodes present it to each other on the cluster bus.
const OPENSSL_CONFIG: &str = "\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = ctxlens test
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
";

/// A CA (`ca.crt`) and a certificate it signed for `127.0.0.1` / `localhost` (`server.crt`,
/// `server.key`), P-256 keys, valid for two days.
pub struct TestCa {
    dir: PathBuf,
}

/// Where a server finds its certificate, key and CA.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub ca: PathBuf,
}

impl TestCa {
    pub fn new() -> TestCa {
        require_command("openssl");
        let ca = TestCa {
            dir: temp_dir("ctxlens-ca-"),
        };
        std::fs::write(ca.dir.join("openssl.cnf"), OPENSSL_CONFIG).expect("write openssl.cnf");
        // A name of its own: of two CAs with one name, a client would check a certificate against
        // the wrong one (and report a bad signature rather than an unknown issuer).
        let subject = format!(
            "/CN=ctxlens test CA {}",
            ca.dir.file_name().and_then(|n| n.to_str()).unwrap_or("")
        );
        let key = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        ca.openssl(
            &[
                &[
                    "req",
                    "-x509",
                    "-config",
                    "openssl.cnf",
                    "-extensions",
                    "ca",
                ][..],
                &key,
                &["-keyout", "ca.key", "-out", "ca.crt", "-days", "2"],
                &["-subj", &subject],
            ]
            .concat(),
        );
        ca.openssl(
            &[
                &["req", "-new", "-config", "openssl.cnf"][..],
                &key,
                &["-keyout", "server.key", "-out", "server.csr"],
                &["-subj", "/CN=127.0.0.1"],
            ]
            .concat(),
        );
        ca.openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "openssl.cnf",
            "-extensions",
            "server",
        ]);
        ca
    }

    fn openssl(&self, args: &[&str]) {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .output()
            .expect("run openssl");
        assert!(
            out.status.success(),
            "openssl {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The CA certificate (PEM): what a client trusts.
    pub fn ca_cert(&self) -> PathBuf {
        self.dir.join("ca.crt")
    }

    /// The CA certificate's PEM bytes.
    pub fn ca_pem(&self) -> Vec<u8> {
        std::fs::read(self.ca_cert()).expect("read ca.crt")
    }

    /// Copies the server certificate, its key (mode 0600) and the CA certificate into `dir`
    /// (a server's own dir, so they live as long as it does), owned by `owner` (uid, gid) when
    /// given: PostgreSQL reads its key only if the key belongs to the server's user.
    pub fn install(&self, dir: &Path, owner: Option<(u32, u32)>) -> TlsFiles {
        use std::os::unix::fs::PermissionsExt;
        let files = TlsFiles {
            cert: dir.join("server.crt"),
            key: dir.join("server.key"),
            ca: dir.join("ca.crt"),
        };
        for (from, to) in [
            ("server.crt", &files.cert),
            ("server.key", &files.key),
            ("ca.crt", &files.ca),
        ] {
            std::fs::copy(self.dir.join(from), to).expect("copy TLS file");
            if let Some((uid, gid)) = owner {
                std::os::unix::fs::chown(to, Some(uid), Some(gid)).expect("chown TLS file");
            }
        }
        std::fs::set_permissions(&files.key, std::fs::Permissions::from_mode(0o600))
            .expect("chmod server.key");
        files
    }
}

impl Drop for TestCa {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
