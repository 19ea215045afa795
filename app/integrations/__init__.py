"""The marketplace layer: one adapter per sales channel behind the PlatformAdapter protocol.

``base`` holds the protocol and the domain objects, ``errors`` the error taxonomy, ``transport``
(with ``ratelimit``, ``breaker``, ``locks``, ``tokens``) the shared HTTP machinery; each platform
package has its signing, client and adapter. Platform quirks never leave their package.
"""
