//! A throwaway certificate authority and a server certificate for 127.0.0.1, made in-process
//! with `rcgen` when a test asks for one and written to a temp dir. Nothing is kept: the dir (and
//! its private keys) is removed on drop.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

use super::temp_dir;

/// A CA (`ca.crt`) and a certificate it signed for `127.0.0.1` / `localhost` (`server.crt`,
/// `server.key`), P-256 keys. The server certificate is also a client certificate: a TLS
/// cluster's nodes present it to each other on the cluster bus.
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
        let ca = TestCa {
            dir: temp_dir("ctxlens-ca-"),
        };
        // A name of its own: of two CAs with one name, a client would check a certificate against
        // the wrong one (and report a bad signature rather than an unknown issuer).
        let subject = format!(
            "ctxlens test CA {}",
            ca.dir.file_name().and_then(|n| n.to_str()).unwrap_or("")
        );
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params
            .distinguished_name
            .push(DnType::CommonName, subject);
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_key = KeyPair::generate().expect("CA key");
        let ca_cert = ca_params.self_signed(&ca_key).expect("self-signed CA");
        let issuer = Issuer::new(ca_params, ca_key);

        let mut params = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".into()])
            .expect("server params");
        params
            .distinguished_name
            .push(DnType::CommonName, "127.0.0.1");
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        params.use_authority_key_identifier_extension = true;
        let key = KeyPair::generate().expect("server key");
        let cert = params
            .signed_by(&key, &issuer)
            .expect("sign server certificate");

        for (name, pem) in [
            ("ca.crt", ca_cert.pem()),
            ("server.crt", cert.pem()),
            ("server.key", key.serialize_pem()),
        ] {
            std::fs::write(ca.dir.join(name), pem).expect("write TLS file");
        }
        ca
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
