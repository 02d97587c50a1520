package io.switchboard.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLoopsTest {
  @AfterEach
  void clear() {
    System.clearProperty(OpenFlowServer.EVENT_LOOPS_PROPERTY);
  }

  @Test
  void oneLoopPerCpuUnlessTold() {
    assertEquals(Runtime.getRuntime().availableProcessors(), OpenFlowServer.eventLoops());
    System.setProperty(OpenFlowServer.EVENT_LOOPS_PROPERTY, " 3 ");
    assertEquals(3, OpenFlowServer.eventLoops());
  }

  @Test
  void aCountThatIsNotOneToAThousandTwentyFourSaysWhatItExpects() {
    for (String bad : new String[] {"0", "-1", "two", "1025", "1.5"}) {
      System.setProperty(OpenFlowServer.EVENT_LOOPS_PROPERTY, bad);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, OpenFlowServer::eventLoops, bad);
      assertTrue(e.getMessage().contains("switchboard.openflow.event-loops")
          && e.getMessage().contains("from 1 to 1024") && e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }
}
