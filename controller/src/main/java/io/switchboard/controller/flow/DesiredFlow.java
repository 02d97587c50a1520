package io.switchboard.controller.flow;

import io.switchboard.controller.spi.FlowEntry;

/** An app's entry placed in a concrete table, with the cookie that names the app. */
public record DesiredFlow(FlowKey key, FlowEntry entry, String app, long cookie) {}
