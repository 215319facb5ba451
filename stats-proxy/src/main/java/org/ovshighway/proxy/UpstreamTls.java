package org.ovshighway.proxy;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Client TLS toward {@code ssl:} controllers: from the PEM files ovs-vswitchd uses ({@code ovs-vsctl
 * get-ssl}), or from a Java key store (PKCS#12 or JKS) holding the client key and certificate.
 * As ovs-vswitchd does, the controller's certificate must chain to the CA; its names are not
 * matched against the target's host.
 */
public final class UpstreamTls {

    private UpstreamTls() {
    }

    /**
     * Builds the client context: the private key and certificate (chain) identify the proxy to the
     * controller as they identified the bridge; the CA certificates verify the controller. The
     * key may be PKCS#8, PKCS#1 RSA or SEC1 EC PEM, unencrypted ({@link PemPrivateKey}).
     *
     * @throws ProxyException naming the file that is missing, unreadable or unusable
     */
    public static SslContext fromPemFiles(Path privateKey, Path certificate, Path caCertificate) {
        for (Path file : new Path[]{privateKey, certificate, caCertificate}) {
            requireReadable(file);
        }
        PrivateKey key = PemPrivateKey.read(privateKey);
        List<X509Certificate> chain = certificates(certificate, "certificate");
        List<X509Certificate> authorities = certificates(caCertificate, "CA certificate");
        try {
            return SslContextBuilder.forClient()
                    .keyManager(key, chain.toArray(X509Certificate[]::new))
                    .trustManager(authorities)
                    .endpointIdentificationAlgorithm(null)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ProxyException("TLS settings unusable: privateKey=" + privateKey + " certificate=" + certificate
                    + " caCertificate=" + caCertificate + " error=" + e.getMessage(), e);
        }
    }

    /**
     * Builds the client context from {@code keyStore} (PKCS#12 or JKS, told apart by content),
     * which must hold exactly one private key entry (the client's key and certificate chain),
     * protected by {@code password} as the store is. The controller is verified against the
     * certificates in {@code caCertificate} when given, else against the store's trusted
     * certificate entries.
     *
     * @throws ProxyException naming the store or file and what is wrong with it
     */
    public static SslContext fromKeyStore(Path keyStore, char[] password, Optional<Path> caCertificate) {
        requireReadable(keyStore);
        caCertificate.ifPresent(UpstreamTls::requireReadable);
        KeyStore store;
        try {
            store = KeyStore.getInstance(keyStore.toFile(), password);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new ProxyException("TLS key store unreadable (not PKCS#12 or JKS, or a wrong password): keyStore="
                    + keyStore + " error=" + e.getMessage(), e);
        }
        try {
            List<String> keys = new ArrayList<>();
            List<X509Certificate> trusted = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    keys.add(alias);
                } else if (store.getCertificate(alias) instanceof X509Certificate c) {
                    trusted.add(c);
                }
            }
            if (keys.size() != 1) {
                throw new ProxyException("TLS key store must hold exactly one private key entry: keyStore=" + keyStore
                        + " keyEntries=" + keys);
            }
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, password);
            SslContextBuilder builder = SslContextBuilder.forClient().keyManager(keyManagers)
                    .endpointIdentificationAlgorithm(null);
            if (caCertificate.isPresent()) {
                builder.trustManager(certificates(caCertificate.get(), "CA certificate"));
            } else if (!trusted.isEmpty()) {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                for (int i = 0; i < trusted.size(); i++) {
                    trust.setCertificateEntry("ca" + i, trusted.get(i));
                }
                TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(
                        TrustManagerFactory.getDefaultAlgorithm());
                trustManagers.init(trust);
                builder.trustManager(trustManagers);
            } else {
                throw new ProxyException("nothing to verify the controller with: keyStore=" + keyStore
                        + " has no trusted certificate entry and no CA certificate file was given");
            }
            return builder.build();
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new ProxyException("TLS key store unusable: keyStore=" + keyStore + " error=" + e.getMessage(), e);
        }
    }

    private static void requireReadable(Path file) {
        if (!Files.isReadable(file)) {
            throw new ProxyException("TLS file not readable: file=" + file);
        }
    }

    private static List<X509Certificate> certificates(Path file, String what) {
        List<X509Certificate> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new ProxyException("TLS " + what + " unusable: file=" + file + " error=" + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new ProxyException("no certificate in TLS " + what + " file: file=" + file);
        }
        return out;
    }
}
