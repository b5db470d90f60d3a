# syntax=docker/dockerfile:1
# Build stage: install the project and its dependencies into a virtualenv.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bots ./bots
COPY core ./core
COPY handlers ./handlers
COPY workers ./workers
COPY web ./web
COPY cli ./cli
RUN pip install .

# Runtime stage: the virtualenv, the catalogs, and an unprivileged user.
FROM python:3.11-slim AS runtime
# Certificates print Thai and Hindi names: fonts with those scripts.
RUN apt-get update && apt-get install -y --no-install-recommends \
        fonts-dejavu-core fonts-tlwg-loma-ttf fonts-lohit-deva \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 wastenexus
COPY --from=build /opt/venv /opt/venv
COPY locales /app/locales
WORKDIR /app
RUN mkdir -p /app/var && chown wastenexus /app/var
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    LOCALES_DIR=/app/locales \
    VAR_DIR=/app/var
USER wastenexus
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["wastenexus", "serve", "--host", "0.0.0.0", "--port", "8000"]
