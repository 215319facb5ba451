package org.ovshighway.ovs.ovsdb;

import java.util.Objects;

/**
 * The switch's own TLS files, the {@code SSL} row the {@code Open_vSwitch} table points at
 * ({@code ovs-vsctl get-ssl}): ovs-vswitchd identifies itself to {@code ssl:} controllers with the
 * private key and certificate and verifies them against the CA certificate. Paths as OVSDB holds
 * them (ovs-vswitchd's view of the file system).
 *
 * @param privateKey      {@code private_key}
 * @param certificate     {@code certificate}
 * @param caCertificate   {@code ca_cert}
 * @param bootstrapCaCert {@code bootstrap_ca_cert}: the CA certificate is fetched from the first
 *                        controller reached, and written to {@code ca_cert}, when that file is missing
 */
public record SslSettings(String privateKey, String certificate, String caCertificate, boolean bootstrapCaCert) {

    public SslSettings {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(caCertificate, "caCertificate");
    }
}
