package io.hostdeck;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class HostdeckApplication {

    public static void main(String[] args) {
        ProcessLaunch.apply(); // before any process starts: the JDK reads it once
        SpringApplication.run(HostdeckApplication.class, args);
    }
}
