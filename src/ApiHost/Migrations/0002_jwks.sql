-- The JWT signing keys (GET /api/auth/token), shared by every API host. The private key (PKCS#8) is sealed with
-- AES-256-GCM under a key derived from the cookie secret: nonce || ciphertext || tag, the kid as associated data.
CREATE TABLE jwks (
    kid         text        PRIMARY KEY,
    public_jwk  text        NOT NULL,
    private_key bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
