package io.switchboard.controller.spi;

/** Receives the entries an app wants on a bridge. */
@FunctionalInterface
public interface FlowSink {
  void add(FlowEntry entry);
}
