"""Production: Rasa's events from RabbitMQ into PostgreSQL (``python -m app.analytics worker``).

Rasa's pika broker (endpoints.production.yml) publishes every event, already
redacted by the tracker store, to a durable queue. The worker takes up to
``batch_size`` messages (or what arrived within ``batch_wait`` seconds),
redacts them again, applies them in one transaction with their IDs in
``processed_messages``, and only after the commit acknowledges them. A crash
or a broker restart before the acknowledgement redelivers them; their IDs
are found and they are skipped. aio-pika's robust connection reconnects by
itself; the worker survives the broker going away, and a restart of itself.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import aio_pika
from aio_pika.abc import AbstractIncomingMessage
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import async_sessionmaker

from app.analytics.store import Message, apply_batch

logger = logging.getLogger(__name__)

RASA_EXCHANGE = "rasa-exchange"  # Rasa's pika broker: a fanout exchange of this name


class Worker:
    """Consumes one queue; ``run`` returns when ``stop`` is called."""

    def __init__(self, sessions: async_sessionmaker, amqp_url: str, queue: str, *,
                 exchange: str = RASA_EXCHANGE, batch_size: int = 500, batch_wait: float = 0.05) -> None:
        self.sessions = sessions
        self.amqp_url = amqp_url
        self.queue_name = queue
        self.exchange_name = exchange
        self.batch_size = batch_size
        self.batch_wait = batch_wait
        self.applied = 0
        self._pending: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        connection = await aio_pika.connect_robust(self.amqp_url)
        try:
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=self.batch_size * 2)
            # Declared as Rasa's pika broker declares them, so either may start first.
            exchange = await channel.declare_exchange(self.exchange_name, aio_pika.ExchangeType.FANOUT)
            queue = await channel.declare_queue(self.queue_name, durable=True)
            await queue.bind(exchange, "")
            await queue.consume(self._pending.put)
            logger.info("analytics worker consuming %s", self.queue_name)
            while not self._stopping.is_set():
                batch = await self._next_batch()
                if batch:
                    await self._process(batch)
        finally:
            await connection.close()

    async def _next_batch(self) -> list[AbstractIncomingMessage]:
        batch: list[AbstractIncomingMessage] = []
        stop = asyncio.ensure_future(self._stopping.wait())
        try:
            first = asyncio.ensure_future(self._pending.get())
            done, _ = await asyncio.wait({first, stop}, return_when=asyncio.FIRST_COMPLETED)
            if first not in done:
                first.cancel()
                return batch
            batch.append(first.result())
        finally:
            stop.cancel()
        deadline = asyncio.get_running_loop().time() + self.batch_wait
        while len(batch) < self.batch_size:
            if not self._pending.empty():  # what the prefetch already holds, without a timer each
                batch.append(self._pending.get_nowait())
                continue
            timeout = deadline - asyncio.get_running_loop().time()
            if timeout <= 0:
                break
            try:
                batch.append(await asyncio.wait_for(self._pending.get(), timeout))
            except asyncio.TimeoutError:
                break
        return batch

    async def _process(self, batch: list[AbstractIncomingMessage]) -> None:
        messages: list[Message] = []
        rejected: list[AbstractIncomingMessage] = []
        for incoming in batch:
            try:
                messages.append(Message.from_body(incoming.body))
            except ValueError:
                rejected.append(incoming)  # not an event: it will never become one
        try:
            self.applied += await apply_batch(self.sessions, messages)
        except SQLAlchemyError as error:
            logger.error("analytics write failed (%s): %d messages go back to the queue",
                         type(error).__name__, len(batch))
            for incoming in batch:
                with contextlib.suppress(Exception):
                    await incoming.nack(requeue=True)
            await asyncio.sleep(1.0)
            return
        for incoming in rejected:
            logger.error("analytics: a message that is not a JSON event was dropped")
            with contextlib.suppress(Exception):
                await incoming.reject(requeue=False)
        # After the commit. If the channel died meanwhile the broker redelivers
        # these on the new one; processed_messages recognises them.
        await _ack_all([m for m in batch if m not in rejected])


async def _ack_all(messages: list[AbstractIncomingMessage]) -> None:
    """Acknowledge ``messages``: one ``multiple`` ack per channel where they are all it holds.

    A channel delivers in tag order and the batch is taken from the front of
    what it delivered, so on each channel every unsettled tag up to the
    batch's highest is in the batch, unless the channel was reopened (tags
    start again) or a tag is missing; then each is acknowledged alone.
    """
    by_channel: dict[int, list[AbstractIncomingMessage]] = {}
    for message in messages:
        try:
            channel = id(message.channel)
        except Exception:  # noqa: BLE001 - closed: the broker redelivers it, processed_messages skips it
            continue
        by_channel.setdefault(channel, []).append(message)
    for group in by_channel.values():
        tags = sorted(m.delivery_tag or 0 for m in group)
        last = max(group, key=lambda m: m.delivery_tag or 0)
        if tags and tags[0] > 0 and tags == list(range(tags[0], tags[0] + len(tags))):
            with contextlib.suppress(Exception):
                await last.ack(multiple=True)
                continue
        for message in group:
            with contextlib.suppress(Exception):
                await message.ack()


async def run_worker(sessions: async_sessionmaker, amqp_url: str, queue: str, **kwargs: object) -> None:
    """Run until SIGTERM or SIGINT, then finish the batch in hand and return."""
    worker = Worker(sessions, amqp_url, queue, **kwargs)  # type: ignore[arg-type]
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop_signal, worker.stop)
    await worker.run()
