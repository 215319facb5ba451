package org.ovshighway.proxy;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/** Client TLS toward {@code ssl:} controllers, from the same PEM files ovs-vswitchd uses ({@code ovs-vsctl get-ssl}). */
public final class UpstreamTls {

    private UpstreamTls() {
    }

    /**
     * Builds the client context: the bridge's private key and certificate identify the proxy to the
     * controller as they identified the bridge; the CA certificate verifies the controller. The
     * private key must be PKCS#8 PEM ({@code BEGIN PRIVATE KEY}); convert an older one with
     * {@code openssl pkcs8 -topk8 -nocrypt}.
     *
     * @throws ProxyException naming the file that is missing or unreadable
     */
    public static SslContext fromPemFiles(Path privateKey, Path certificate, Path caCertificate) {
        for (Path file : new Path[]{privateKey, certificate, caCertificate}) {
            if (!Files.isReadable(file)) {
                throw new ProxyException("TLS file not readable: file=" + file);
            }
        }
        try {
            return SslContextBuilder.forClient()
                    .keyManager(certificate.toFile(), privateKey.toFile())
                    .trustManager(caCertificate.toFile())
                    // As ovs-vswitchd: the controller's certificate must chain to the CA; its
                    // names are not matched against the target's host.
                    .endpointIdentificationAlgorithm(null)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ProxyException("TLS settings unusable: privateKey=" + privateKey + " certificate=" + certificate
                    + " caCertificate=" + caCertificate + " error=" + e.getMessage(), e);
        }
    }
}
