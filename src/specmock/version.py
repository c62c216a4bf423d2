"""The release number, in a module of its own so that any part can name it without importing the
package's public face (which reaches the server)."""

__version__ = "0.1.0"
