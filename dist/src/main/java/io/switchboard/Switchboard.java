package io.switchboard;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.core.Controller;
import io.switchboard.controller.core.Mastership;
import io.switchboard.controller.rest.RestServer;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.StoreFactory;
import io.switchboard.controller.store.InMemoryStoreFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** One running controller instance: config, OpenFlow runtime, apps and REST API, wired together. */
public final class Switchboard implements AutoCloseable {
  private final Controller controller;
  private final RestServer rest;
  private final InetSocketAddress openflowAddress;
  private final InetSocketAddress restAddress;

  private Switchboard(Controller controller, RestServer rest, InetSocketAddress of, InetSocketAddress ra) {
    this.controller = controller;
    this.rest = rest;
    this.openflowAddress = of;
    this.restAddress = ra;
  }

  /** Every app on the class path (found with ServiceLoader). */
  public static List<ControllerApp> discoverApps() {
    List<ControllerApp> apps = new ArrayList<>();
    ServiceLoader.load(ControllerApp.class).forEach(apps::add);
    return apps;
  }

  public static Switchboard start(SwitchboardConfig config) throws Exception {
    return start(config, discoverApps());
  }

  public static Switchboard start(SwitchboardConfig config, List<ControllerApp> apps) throws Exception {
    StoreFactory stores = new InMemoryStoreFactory();
    Controller controller = new Controller(config, apps, stores, Mastership.STANDALONE);
    RestServer rest = null;
    try {
      InetSocketAddress of = controller.start();
      rest = new RestServer(controller);
      InetSocketAddress ra = rest.start(config.rest().listen().host(), config.rest().listen().port());
      return new Switchboard(controller, rest, of, ra);
    } catch (Exception | Error e) {
      if (rest != null) {
        rest.close();
      }
      controller.close();
      throw e;
    }
  }

  public Controller controller() {
    return controller;
  }

  public RestServer rest() {
    return rest;
  }

  public int openflowPort() {
    return openflowAddress.getPort();
  }

  public int restPort() {
    return restAddress.getPort();
  }

  public String restBase() {
    return "http://" + restAddress.getHostString() + ":" + restAddress.getPort() + RestServer.BASE;
  }

  @Override
  public void close() {
    rest.close();
    controller.close();
  }
}
