package io.switchboard.controller.rest;

import java.util.concurrent.CompletionStage;

/**
 * Answers a request with a value written as JSON (a map, list, record of those, or a {@link CompletionStage} of
 * one), or throws {@link io.switchboard.controller.spi.ApiException} for 4xx answers. Runs off the event loop.
 */
@FunctionalInterface
public interface RestHandler {
  Object handle(RestRequest req) throws Exception;
}
