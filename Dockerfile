# portal-gen in a container, for hosts that do not want a Python setup.
#
#   docker build -t portal-gen .
#   docker run --rm -v "$PWD":/portal portal-gen build        # in a portal's folder
#   docker run --rm -v "$PWD":/portal portal-gen check
#   docker run --rm -p 8000:8000 -v "$PWD":/portal portal-gen serve -a 0.0.0.0:8000
#
# Add `--user "$(id -u):$(id -g)"` so that site/ belongs to you rather than to root.
# See docs/deploy.md.
FROM python:3.11-slim

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONDONTWRITEBYTECODE=1 \
    NO_MKDOCS_2_WARNING=1 \
    HOME=/tmp

# Only what the package is built from (see .dockerignore), so the layer is small and a
# change to tests or docs does not invalidate it.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY portal_gen ./portal_gen
COPY plugins ./plugins
COPY themes ./themes
RUN pip install . && rm -rf /src

WORKDIR /portal
ENTRYPOINT ["portal-gen"]
CMD ["build"]
