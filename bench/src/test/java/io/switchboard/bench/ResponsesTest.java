package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

class ResponsesTest {
  final OFFactory of10 = OFFactories.getFactory(OFVersion.OF_10);

  ByteBuf encoded(OFMessage m) {
    ByteBuf b = Unpooled.buffer();
    m.writeTo(b);
    return b;
  }

  @Test
  void anOpenFlow10FlowModsCommandIsReadInPlace() {
    var match = of10.buildMatch().setExact(MatchField.ETH_SRC, MacAddress.of(0x0200_0000_0001L)).build();
    List<OFAction> out = List.of(of10.actions().output(OFPort.of(2), 0xffff));
    assertEquals(Responses.OFPFC_ADD, Responses.flowModCommand10(encoded(of10.buildFlowAdd().setMatch(match)
        .setBufferId(OFBufferId.of(7)).setActions(out).build())));
    assertEquals(Responses.OFPFC_MODIFY_STRICT, Responses.flowModCommand10(encoded(of10.buildFlowModifyStrict()
        .setMatch(match).setActions(out).build())));
    assertEquals(3, Responses.flowModCommand10(encoded(of10.buildFlowDelete().setMatch(match).build())));
  }

  @Test
  void anOpenFlow10FlowModsBufferIdIsReadInPlace() {
    List<OFAction> out = List.of(of10.actions().output(OFPort.of(2), 0xffff));
    assertEquals(0xfffe_0007L, Responses.flowModBuffer10(encoded(of10.buildFlowAdd().setMatch(of10.buildMatch()
        .build()).setBufferId(OFBufferId.of(0xfffe_0007)).setCookie(U64.of(-1)).setPriority(0xffff).setActions(out)
        .build())));
    assertEquals(Responses.NO_BUFFER, Responses.flowModBuffer10(encoded(of10.buildFlowAdd()
        .setMatch(of10.buildMatch().build()).setActions(out).build())));
    assertEquals(Responses.OFPFC_DELETE_STRICT, Responses.flowModCommand10(encoded(of10.buildFlowDeleteStrict()
        .setMatch(of10.buildMatch().build()).build())));
    ByteBuf b = encoded(of10.buildFlowAdd().setMatch(of10.buildMatch().build()).setBufferId(OFBufferId.of(9))
        .build());
    assertEquals(-1, Responses.flowModBuffer10(b.slice(0, 68)), "shorter than a flow-mod: no buffer id");
  }

  @Test
  void aMessageShorterThanAFlowModHasNoCommand() {
    ByteBuf b = encoded(of10.buildFlowAdd().setMatch(of10.buildMatch().build()).build());
    assertEquals(-1, Responses.flowModCommand10(b.slice(0, 60)));
    ByteBuf header = encoded(of10.buildBarrierRequest().setXid(1).build());
    assertEquals(-1, Responses.flowModCommand10(header));
  }
}
