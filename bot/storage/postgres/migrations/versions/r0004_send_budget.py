"""The send budget every instance shares: Telegram's limits are per bot token, not per process.

``send_budget`` is one GCRA bucket a row (``overall``, ``paid``, ``chat:<id>``): its theoretical
arrival time and the number of slots handed out (an answered send pushes the slot ``limit``
numbers after its own to a second after the answer: ``send_budget_answered``).
``send_windows`` is a sliding window a row (a group's 20 a minute): its last sends' instants.
Each is taken in one round trip by a function that locks the row, reads the server's clock
*after* the lock (a wait for another instance's take is not time passed) and answers the
slot's instant on that clock (epoch seconds): the server's one clock orders every instance's
sends, whatever their own clocks say. ``flood`` holds the incoming flood guard's bucket of
each user (``flood_check``), so a user who writes to two instances is counted once.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
# The lead re-chains at merge: after timers (0002) and webhooks (0003), this follows 0003.
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE send_budget (
            bucket text PRIMARY KEY,
            tat timestamptz NOT NULL,
            issued bigint NOT NULL DEFAULT 0
        );
        CREATE TABLE send_windows (
            bucket text PRIMARY KEY,
            times timestamptz[] NOT NULL
        );

        CREATE FUNCTION send_budget_take(
            p_bucket text, p_interval double precision, p_burst integer, p_count integer,
            OUT slot double precision, OUT number bigint
        ) LANGUAGE plpgsql AS $$
        DECLARE
            v_now timestamptz;
            v_step interval := make_interval(secs => p_interval);
            v_tat timestamptz;
            v_issued bigint;
        BEGIN
            PERFORM 1 FROM send_budget WHERE bucket = p_bucket FOR UPDATE;
            v_now := clock_timestamp();
            INSERT INTO send_budget AS b (bucket, tat, issued)
                VALUES (p_bucket, v_now + v_step * p_count, p_count)
                ON CONFLICT (bucket) DO UPDATE
                SET tat = greatest(b.tat, v_now) + v_step * p_count,
                    issued = b.issued + p_count
                RETURNING b.tat, b.issued INTO v_tat, v_issued;
            slot := extract(epoch FROM
                greatest(v_now, v_tat - v_step * p_count - v_step * (p_burst - 1)));
            number := v_issued - p_count;
        END $$;

        -- Slot p_number's send was answered: it reached Telegram by now, so the slot p_limit
        -- numbers later may not come before a second from now.
        CREATE FUNCTION send_budget_answered(
            p_bucket text, p_interval double precision, p_limit integer, p_number bigint
        ) RETURNS void LANGUAGE sql AS $$
            UPDATE send_budget
            SET tat = greatest(
                tat,
                clock_timestamp() + interval '1 second'
                    - make_interval(secs => p_interval) * (p_number + p_limit - issued))
            WHERE bucket = p_bucket AND p_number + p_limit - issued >= 0;
        $$;

        CREATE FUNCTION send_window_take(
            p_bucket text, p_limit integer, p_seconds double precision
        ) RETURNS double precision LANGUAGE plpgsql AS $$
        DECLARE
            v_now timestamptz;
            v_times timestamptz[];
            v_slot timestamptz;
            v_count integer;
        BEGIN
            INSERT INTO send_windows (bucket, times) VALUES (p_bucket, '{}')
                ON CONFLICT (bucket) DO NOTHING;
            SELECT w.times INTO v_times FROM send_windows w WHERE w.bucket = p_bucket FOR UPDATE;
            v_now := clock_timestamp();
            v_count := cardinality(v_times);
            IF v_count < p_limit THEN
                v_slot := v_now;
            ELSE
                v_slot := greatest(
                    v_now, v_times[v_count - p_limit + 1] + make_interval(secs => p_seconds));
            END IF;
            v_times := v_times || v_slot;
            v_count := v_count + 1;
            IF v_count > p_limit THEN
                v_times := v_times[v_count - p_limit + 1 : v_count];
            END IF;
            UPDATE send_windows SET times = v_times WHERE bucket = p_bucket;
            RETURN extract(epoch FROM v_slot);
        END $$;

        -- The incoming flood guard (bot.core.flood.FloodGuard), one row per user.
        CREATE TABLE flood (
            user_id bigint PRIMARY KEY,
            tokens double precision NOT NULL,
            at timestamptz NOT NULL,
            warned_at timestamptz
        );

        CREATE FUNCTION flood_check(
            p_user bigint, p_rate double precision, p_burst double precision
        ) RETURNS text LANGUAGE plpgsql AS $$
        DECLARE
            v_now timestamptz;
            v_tokens double precision;
            v_at timestamptz;
            v_warned timestamptz;
            v_verdict text;
        BEGIN
            INSERT INTO flood (user_id, tokens, at) VALUES (p_user, p_burst, clock_timestamp())
                ON CONFLICT (user_id) DO NOTHING;
            SELECT f.tokens, f.at, f.warned_at INTO v_tokens, v_at, v_warned
                FROM flood f WHERE f.user_id = p_user FOR UPDATE;
            v_now := clock_timestamp();
            v_tokens := least(
                p_burst, v_tokens + greatest(0, extract(epoch FROM v_now - v_at)) * p_rate);
            IF v_tokens >= 1 THEN
                v_tokens := v_tokens - 1;
                v_verdict := 'allow';
            ELSIF v_warned IS NOT NULL
                    AND extract(epoch FROM v_now - v_warned) < p_burst / p_rate THEN
                v_verdict := 'drop';
            ELSE
                v_warned := v_now;
                v_verdict := 'warn';
            END IF;
            UPDATE flood SET tokens = v_tokens, at = v_now, warned_at = v_warned
                WHERE user_id = p_user;
            RETURN v_verdict;
        END $$;
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP FUNCTION flood_check(bigint, double precision, double precision);
        DROP TABLE flood;
        DROP FUNCTION send_window_take(text, integer, double precision);
        DROP FUNCTION send_budget_answered(text, double precision, integer, bigint);
        DROP FUNCTION send_budget_take(text, double precision, integer, integer);
        DROP TABLE send_windows;
        DROP TABLE send_budget;
        """
    )
