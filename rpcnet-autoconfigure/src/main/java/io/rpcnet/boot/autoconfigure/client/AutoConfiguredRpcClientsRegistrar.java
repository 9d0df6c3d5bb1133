package io.rpcnet.boot.autoconfigure.client;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Without {@code @EnableRpcClients}, scans the application's auto-configuration packages (those of
 * {@code @SpringBootApplication}) for {@code @RpcClient} interfaces.
 */
class AutoConfiguredRpcClientsRegistrar extends RpcClientsRegistrar implements BeanFactoryAware {

    private BeanFactory beanFactory;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        if (AutoConfigurationPackages.has(beanFactory)) {
            scan(registry, AutoConfigurationPackages.get(beanFactory));
        }
    }
}
