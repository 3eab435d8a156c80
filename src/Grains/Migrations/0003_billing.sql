-- Agents, plans, subscriptions with their quota, archived periods, idempotency records and Stripe events
-- (api.md, Agents, plans and subscriptions; Quota; Stripe webhooks; Database).
CREATE TABLE agents (
    id              text        PRIMARY KEY,
    version         bigint      NOT NULL,
    name            text        NOT NULL,
    organization_id text,
    plans           text        NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

-- Written with each agent change, in the same transaction, for queries by price.
CREATE TABLE agent_plans (
    agent_id        text   NOT NULL,
    stripe_price_id text   NOT NULL,
    period_quota    bigint NOT NULL,
    PRIMARY KEY (agent_id, stripe_price_id)
);
CREATE INDEX agent_plans_price ON agent_plans (stripe_price_id);

CREATE TABLE user_agent_subscriptions (
    user_id                text        NOT NULL,
    agent_id               text        NOT NULL,
    version                bigint      NOT NULL,
    status                 text        NOT NULL,
    stripe_subscription_id text,
    stripe_customer_id     text,
    price_id               text,
    current_period_start   timestamptz,
    current_period_end     timestamptz,
    cancel_at_period_end   boolean     NOT NULL,
    quota_limit            bigint      NOT NULL,
    quota_used             bigint      NOT NULL,
    last_event_at          timestamptz,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    PRIMARY KEY (user_id, agent_id)
);
CREATE INDEX user_agent_subscriptions_stripe_id ON user_agent_subscriptions (stripe_subscription_id);

-- The usage of each ended period, archived when a new period starts.
CREATE TABLE quota_periods (
    user_id      text        NOT NULL,
    agent_id     text        NOT NULL,
    period_start timestamptz NOT NULL,
    period_end   timestamptz,
    quota_limit  bigint      NOT NULL,
    used         bigint      NOT NULL,
    archived_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, agent_id, period_start)
);

-- First answers of idempotent consumptions, written with the consumption itself.
CREATE TABLE quota_idempotency (
    user_id     text        NOT NULL,
    agent_id    text        NOT NULL,
    key         text        NOT NULL,
    fingerprint text        NOT NULL,
    response    jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, agent_id, key)
);

CREATE TABLE stripe_events (
    id           text        PRIMARY KEY,
    type         text        NOT NULL,
    created      timestamptz NOT NULL,
    payload      jsonb       NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz,
    attempts     integer     NOT NULL DEFAULT 0,
    last_error   text
);
CREATE INDEX stripe_events_unprocessed ON stripe_events (received_at) WHERE processed_at IS NULL;
