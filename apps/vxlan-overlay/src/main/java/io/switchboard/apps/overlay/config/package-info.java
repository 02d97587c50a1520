/**
 * The vxlan-overlay app's {@code overlay:} section: its immutable records ({@link
 * io.switchboard.apps.overlay.config.OverlayConfig} and the hosts, networks, routers, endpoints, NAT rules and DHCP
 * settings it holds), the parser that reports every problem as {@code file:line: key.path: message}
 * ({@link io.switchboard.apps.overlay.config.OverlaySection}, split by part into {@code OverlayLoader},
 * {@code NetworkLoader}, {@code RouterLoader}), and the checks the REST collections share with the file
 * ({@link io.switchboard.apps.overlay.config.OverlayEndpoints}, {@link io.switchboard.apps.overlay.config.OverlayNat}).
 * It imports only the config module (its readers and value types). Other apps never see these types: they read the
 * overlay as the config's {@link io.switchboard.config.LogicalTopology}, which {@code OverlayConfig} implements.
 */
package io.switchboard.apps.overlay.config;
