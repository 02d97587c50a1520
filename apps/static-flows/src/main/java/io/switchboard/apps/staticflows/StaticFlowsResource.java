package io.switchboard.apps.staticflows;

import io.switchboard.controller.spi.RestResource;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/static-flows}: every flow, from the file ({@code "source": "config"}) and added here
 * ({@code "api"}), each with the bridges it is installed on; POST adds one, DELETE removes one added here.
 */
final class StaticFlowsResource implements RestResource {
  private final StaticFlowsApp app;

  StaticFlowsResource(StaticFlowsApp app) {
    this.app = app;
  }

  @Override
  public String path() {
    return "static-flows";
  }

  @Override
  public List<Map<String, Object>> list() {
    return app.flows().stream().map(app::view).toList();
  }

  @Override
  public Map<String, Object> create(Map<String, Object> body) {
    return app.view(app.add(body));
  }

  @Override
  public boolean delete(String name) {
    return app.remove(name);
  }
}
