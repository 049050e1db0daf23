# Meydan in one image: the bot (webhook workers or long polling), the scheduler, migrations,
# the Bot API emulator and the demo are all `meydan` commands (see docker-compose.yml).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY backend ./backend
COPY bot ./bot
COPY console ./console
COPY reports ./reports
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    MEYDAN_DATA_DIR=/data \
    MEYDAN_WEBHOOK_HOST=0.0.0.0
RUN groupadd --system --gid 10001 meydan \
    && useradd --system --uid 10001 --gid meydan --home-dir /data --no-create-home meydan \
    && mkdir /data && chown meydan:meydan /data
COPY --from=build /install /usr/local
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["meydan"]
CMD ["run", "--webhook"]
