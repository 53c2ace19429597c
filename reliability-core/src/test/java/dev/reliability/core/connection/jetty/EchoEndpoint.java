package dev.reliability.core.connection.jetty;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/** Echoes text messages. */
class EchoEndpoint extends Session.Listener.AbstractAutoDemanding {

  @Override
  public void onWebSocketText(String message) {
    getSession().sendText("echo:" + message, Callback.NOOP);
  }
}
