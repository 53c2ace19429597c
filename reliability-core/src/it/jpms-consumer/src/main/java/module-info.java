/** A modular application that uses the reliability core. */
module com.example.modular {
  requires dev.reliability.core;

  exports com.example.modular;
}
