# Hostdeck in a container, watching the host it runs on (see docker-compose.yml).
FROM maven:3.9-eclipse-temurin-17 AS build
# the build fetches xterm.js from the npm registry with npm
RUN apt-get update && apt-get install -y --no-install-recommends npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pom.xml .
COPY .mvn .mvn
COPY src/main src/main
COPY frontend frontend
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
# the journal reader calls journalctl --root=/host; busctl helps when debugging the bus mount
RUN apt-get update && apt-get install -y --no-install-recommends systemd && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/hostdeck-*.jar /opt/hostdeck/hostdeck.jar
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/hostdeck/hostdeck.jar"]
