package io.switchboard.controller.rest;

import io.switchboard.controller.spi.ApiException;

/** A 400 for a query parameter out of its range or of the wrong kind; the message starts with its name. */
public final class BadParameter extends ApiException {
  public BadParameter(String name, String expected, String got) {
    super(400, name + ": expected " + expected + ", got '" + Json.clip(got) + "'");
  }
}
